package io.wsheartbeat.demo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code heartbeat.demo.*}: its defaults, and the check of the restart storm's size against the
 * heartbeat's session limits that stops the start while the demo is on.
 */
class DemoPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(PropertiesOnly.class, DemoConfiguration.class);

	@Test
	void theDemoIsOffUnlessSwitchedOn() {
		this.runner.run((context) -> {
			DemoProperties demo = context.getBean(DemoProperties.class);
			assertThat(demo.faultsEnabled()).isFalse();
			assertThat(demo.stormMaxClients()).isEqualTo(500);
			assertThat(demo.maxAckDelay()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void aRestartStormLargerThanThePerAddressLimitStopsTheStartWhenFaultsAreOn() {
		this.runner.withPropertyValues("heartbeat.demo.faults-enabled=true", "heartbeat.max-sessions-per-address=100")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("heartbeat.demo.storm-max-clients (500) must be below heartbeat.max-sessions-per-address (100)");
			});
		this.runner.withPropertyValues("heartbeat.demo.faults-enabled=false", "heartbeat.max-sessions-per-address=100")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aRestartStormAsLargeAsTheServerStopsTheStartWhenFaultsAreOn() {
		this.runner
			.withPropertyValues("heartbeat.demo.faults-enabled=true", "heartbeat.demo.storm-max-clients=200",
					"heartbeat.max-sessions=200")
			.run((context) -> assertThat(context).hasFailed());
		this.runner
			.withPropertyValues("heartbeat.demo.faults-enabled=true", "heartbeat.demo.storm-max-clients=199",
					"heartbeat.max-sessions=200")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aStormOverItsOwnBoundStopsTheStart() {
		this.runner.withPropertyValues("heartbeat.demo.storm-max-clients=5001").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("stormMaxClients");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ HeartbeatProperties.class, DemoProperties.class })
	static class PropertiesOnly {

	}

}

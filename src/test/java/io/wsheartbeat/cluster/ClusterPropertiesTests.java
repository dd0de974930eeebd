package io.wsheartbeat.cluster;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void oneNodeOnItsOwnUnlessSwitchedOn() {
		this.runner.run((context) -> {
			ClusterProperties cluster = context.getBean(ClusterProperties.class);
			assertThat(cluster.enabled()).isFalse();
			assertThat(cluster.lease()).isEqualTo(Duration.ofSeconds(5));
			assertThat(cluster.renewPeriod()).isEqualTo(Duration.ofSeconds(1));
			assertThat(cluster.keyTtl()).isEqualTo(Duration.ofSeconds(45));
		});
	}

	@Test
	void aLeaseShorterThanThreeRenewalsStopsTheStart() {
		assertStartFails("heartbeat.cluster.lease=2s", "heartbeat.cluster.lease at least three renew periods");
	}

	@Test
	void aNodeIdThatCannotBeAKeyStopsTheStart() {
		assertStartFails("heartbeat.cluster.node-id=node one", "heartbeat.cluster.node-id may hold");
	}

	@Test
	void keysThatWouldExpireWithinAnOutageStopTheStart() {
		assertStartFails("heartbeat.cluster.key-ttl=10s", "heartbeat.cluster.key-ttl must be at least three leases");
	}

	private void assertStartFails(String property, String message) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(message);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ClusterProperties.class)
	static class PropertiesOnly {

	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(PropertiesOnly.class);

	@Test
	void defaultsAreTheReferenceDocumentsNumbers() {
		this.runner.run((context) -> {
			HeartbeatProperties properties = context.getBean(HeartbeatProperties.class);
			assertThat(properties.interval()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.ackTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.serverTimeout()).isEqualTo(Duration.ofSeconds(40));
			assertThat(properties.reaperPeriod()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.serverPingInterval()).isEqualTo(Duration.ofSeconds(25));
			assertThat(properties.slowRtt()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.slowInterval()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.maxInterval()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.reconnect().initialDelay()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.reconnect().multiplier()).isEqualTo(2.0);
			assertThat(properties.allowedOrigins()).isEmpty();
			assertThat(properties.maxMessageSize().toBytes()).isEqualTo(8192);
			assertThat(properties.connectionBufferSize().toBytes()).isEqualTo(256);
			assertThat(properties.maxSessionsPerAddress()).isEqualTo(1000);
		});
	}

	@Test
	void ackTimeoutNotBelowIntervalStopsTheStartNamingTheKeys() {
		assertStartFails("heartbeat.ack-timeout=10s", "heartbeat.ack-timeout must be below heartbeat.interval");
	}

	@Test
	void intervalNotBelowServerTimeoutStopsTheStartNamingTheKeys() {
		assertStartFails("heartbeat.interval=40s", "heartbeat.interval must be below heartbeat.server-timeout");
	}

	@Test
	void reaperPeriodAboveServerTimeoutStopsTheStartNamingTheKeys() {
		assertStartFails("heartbeat.reaper-period=41s",
				"heartbeat.reaper-period must not be above heartbeat.server-timeout");
	}

	@Test
	void slowIntervalAboveMaxIntervalStopsTheStart() {
		assertStartFails("heartbeat.slow-interval=90s", "heartbeat.slow-interval must not be above heartbeat.max-interval");
	}

	@Test
	void reconnectInitialDelayAboveMaxDelayStopsTheStart() {
		assertStartFails("heartbeat.reconnect.initial-delay=1m",
				"heartbeat.reconnect.initial-delay must be positive and not above heartbeat.reconnect.max-delay");
	}

	@Test
	void negativeTimingStopsTheStart() {
		assertStartFails("heartbeat.reaper-period=-1s", "must be positive");
	}

	@Test
	void maxSessionsPerAddressBelowOneStopsTheStart() {
		assertStartFails("heartbeat.max-sessions-per-address=0", "maxSessionsPerAddress");
	}

	@Test
	void deadlineIsTheServerTimeoutUnlessOneAndAHalfDeclaredIntervalsAreLonger() {
		this.runner.run((context) -> {
			HeartbeatProperties properties = context.getBean(HeartbeatProperties.class);
			assertThat(properties.deadlineFor(null)).isEqualTo(Duration.ofSeconds(40));
			assertThat(properties.deadlineFor(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(40));
			assertThat(properties.deadlineFor(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(45));
			assertThat(properties.deadlineFor(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(90));
			assertThat(properties.deadlineFor(Duration.ofHours(1))).as("capped at 1.5 x max-interval")
				.isEqualTo(Duration.ofSeconds(90));
		});
	}

	private void assertStartFails(String property, String message) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(message);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(HeartbeatProperties.class)
	static class PropertiesOnly {

	}

}

package io.wsheartbeat.storm;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delays the restart storm's clients wait, exactly, with the random draw chosen: the
 * storm's integration test counts knocks on a real machine, where the time its 1012s take to
 * arrive blurs where each delay ends.
 */
class ReconnectBackoffTests {

	private final HeartbeatProperties.Reconnect reconnect = new HeartbeatProperties.Reconnect(Duration.ofSeconds(1),
			Duration.ofSeconds(5), 2);

	@Test
	void fullJitterDrawsTheFirstDelayFromTheInitialDelay() {
		assertThat(ReconnectBackoff.fullJitter(this.reconnect, () -> 0.0).delay(0)).isEqualTo(Duration.ZERO);
		assertThat(ReconnectBackoff.fullJitter(this.reconnect, () -> 0.5).delay(0)).isEqualTo(Duration.ofMillis(500));
		assertThat(ReconnectBackoff.fullJitter(this.reconnect, () -> 0.9999).delay(0))
			.as("below the initial delay, not up to the next attempt's cap")
			.isEqualTo(Duration.ofMillis(999));
	}

	@Test
	void fullJitterCapsGrowByTheMultiplierUpToTheMaxDelay() {
		ReconnectBackoff largest = ReconnectBackoff.fullJitter(this.reconnect, () -> 0.9999);

		assertThat(largest.delay(1)).isEqualTo(Duration.ofMillis(1999));
		assertThat(largest.delay(2)).isEqualTo(Duration.ofMillis(3999));
		assertThat(largest.delay(3)).isEqualTo(Duration.ofMillis(4999));
		assertThat(largest.delay(30)).isEqualTo(Duration.ofMillis(4999));
	}

	@Test
	void fixedIsTheSameDelayForEveryAttempt() {
		ReconnectBackoff fixed = ReconnectBackoff.fixed(RestartStorm.REFERENCE_DELAY);

		for (int attempt = 0; attempt < 5; attempt++) {
			assertThat(fixed.delay(attempt)).isEqualTo(Duration.ofSeconds(5));
		}
	}

}

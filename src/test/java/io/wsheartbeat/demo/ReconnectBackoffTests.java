package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.heartbeat.HeartbeatProperties.Reconnect;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java copy of the page's reconnect rule, checked with the same numbers as {@code backoff.js}
 * in the browser harness ({@code client-tests.js}), so the storm and the test clients that use it
 * wait as the page would.
 */
class ReconnectBackoffTests {

	@Test
	void capsGrowByTheMultiplierUpToTheMaxDelay() {
		ReconnectBackoff backoff = ReconnectBackoff
			.fullJitter(new Reconnect(Duration.ofMillis(100), Duration.ofMillis(1000), 2), () -> 0.999999);

		List<Long> delays = IntStream.range(0, 6).mapToObj((attempt) -> backoff.delay(attempt).toMillis()).toList();

		assertThat(delays).as("delays just under each cap").containsExactly(99L, 199L, 399L, 799L, 999L, 999L);
	}

	@Test
	void fullJitterIsAnywhereFromZeroUpToTheCap() {
		Deque<Double> values = new ArrayDeque<>(List.of(0.0, 0.25, 0.5));
		ReconnectBackoff backoff = ReconnectBackoff
			.fullJitter(new Reconnect(Duration.ofMillis(400), Duration.ofMillis(1000), 2), values::removeFirst);

		assertThat(List.of(backoff.delay(0), backoff.delay(1), backoff.delay(2))).as("random x cap")
			.containsExactly(Duration.ZERO, Duration.ofMillis(200), Duration.ofMillis(500));
	}

	@Test
	void theReferencePagesRuleIsTheSameDelayEveryTime() {
		ReconnectBackoff backoff = ReconnectBackoff.fixed(Duration.ofSeconds(5));

		assertThat(IntStream.range(0, 4).mapToObj(backoff::delay)).containsOnly(Duration.ofSeconds(5));
	}

}

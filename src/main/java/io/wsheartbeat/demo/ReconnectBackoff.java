package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * How long a client waits before reconnect attempt {@code attempt} (0 for the first).
 * The same rule as the page's {@code backoff.js}, so the storm shows what real pages do. The rule
 * only: counting the attempts, and when to start again from 0, is the client's. The page starts
 * again on the first {@code heartbeat_ack} of a connection, not on its welcome.
 *
 * <p>Public so that the test clients that reconnect as the page does use this rule rather than a
 * copy of it.
 */
@FunctionalInterface
public interface ReconnectBackoff {

	Duration delay(int attempt);

	/**
	 * Full jitter: random(0, min(max-delay, initial-delay x multiplier^attempt)). After a server
	 * restart every client's first delay falls anywhere in [0, initial-delay), so they come back
	 * spread out instead of all in one instant.
	 */
	static ReconnectBackoff fullJitter(HeartbeatProperties.Reconnect reconnect, DoubleSupplier random) {
		return (attempt) -> {
			double cap = Math.min(reconnect.maxDelay().toMillis(),
					reconnect.initialDelay().toMillis() * Math.pow(reconnect.multiplier(), attempt));
			return Duration.ofMillis((long) (random.getAsDouble() * cap));
		};
	}

	/** The reference page's rule: always the same delay, so every client returns at once. */
	static ReconnectBackoff fixed(Duration delay) {
		return (attempt) -> delay;
	}

}

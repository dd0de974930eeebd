package io.wsheartbeat.warmup;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code heartbeat.warm-up.*}: what the server does to itself before it opens its port.
 *
 * @param enabled whether to warm up at all
 * @param handshakes sessions to open and close at most
 * @param heartbeatsPerSession heartbeats on each, each awaiting its ack (under the default
 * {@code heartbeat.max-messages-per-second} of 50)
 * @param timeLimit the longest the warm-up may delay the port; it stops where it is when this runs
 * out. 1 s by default: every second the port opens later sends the clients of a restart further
 * into their reconnect backoff, and 3 s cost more than they saved (docs/performance.md)
 * @param concurrency sessions open at once
 */
@ConfigurationProperties("heartbeat.warm-up")
@Validated
public record WarmUpProperties(@DefaultValue("true") boolean enabled, @DefaultValue("2000") @Min(0) int handshakes,
		@DefaultValue("10") @Min(0) @Max(40) int heartbeatsPerSession, @DefaultValue("1s") Duration timeLimit,
		@DefaultValue("4") @Min(1) @Max(64) int concurrency) {

	public WarmUpProperties {
		if (timeLimit.isNegative()) {
			throw new IllegalArgumentException("heartbeat.warm-up.time-limit must not be negative");
		}
	}

}

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
 * @param enabled whether to warm up at all; off by default: measured, a single server's restart
 * got its clients back later with it, since every second the port opens later sends the clients'
 * backoff further out (docs/performance.md)
 * @param handshakes sessions to open and close at most
 * @param heartbeatsPerSession heartbeats on each, each awaiting its ack (under the default
 * {@code heartbeat.max-messages-per-second} of 50)
 * @param timeLimit the longest the warm-up may take; it stops where it is when this runs out
 * @param concurrency sessions open at once
 */
@ConfigurationProperties("heartbeat.warm-up")
@Validated
public record WarmUpProperties(@DefaultValue("false") boolean enabled, @DefaultValue("2000") @Min(0) int handshakes,
		@DefaultValue("10") @Min(0) @Max(40) int heartbeatsPerSession, @DefaultValue("3s") Duration timeLimit,
		@DefaultValue("4") @Min(1) @Max(64) int concurrency) {

	public WarmUpProperties {
		if (timeLimit.isNegative()) {
			throw new IllegalArgumentException("heartbeat.warm-up.time-limit must not be negative");
		}
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a node that is told to stop lets its sessions go.
 *
 * @param drain the window over which the open sessions are closed with 1012 "service restart",
 * evenly, each told to reconnect at a random moment of a window as long (see docs/protocol.md);
 * {@code 0} closes them all at once with 1001, as before. Boot's
 * {@code spring.lifecycle.timeout-per-shutdown-phase} must cover it, with
 * {@code heartbeat.send-time-limit} for the last close handshakes: checked at start-up
 */
@Validated
@ConfigurationProperties("heartbeat.shutdown")
public record ShutdownProperties(@DefaultValue("10s") @NotNull Duration drain) {

	@AssertTrue(message = "heartbeat.shutdown.drain must not be negative")
	boolean isDrainNotNegative() {
		return drain == null || !drain.isNegative();
	}

	/** Whether the sessions are drained over a window rather than closed at once. */
	public boolean paced() {
		return !drain.isZero();
	}

}

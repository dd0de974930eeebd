package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every timing and limit of the heartbeat, for the server and for the page's client alike: the
 * page renders these values, so a client never carries timings of its own.
 *
 * <p>The defaults are the reference document's numbers. The cross-field checks below stop the
 * application at start-up, naming the keys, rather than letting an impossible combination reap
 * healthy clients at run time.
 *
 * @param interval how often a client sends a heartbeat
 * @param ackTimeout how long a client waits for {@code heartbeat_ack} before it gives up on the connection
 * @param serverTimeout how long the server lets a session stay silent before it closes it with 4000
 * @param reaperPeriod how often the server looks for silent sessions
 * @param serverPingInterval how often the server sends a protocol Ping to every session; 0 turns pings off
 * @param slowRtt round-trip time above which a client moves to {@code slowInterval}
 * @param slowInterval the interval a client uses on a slow network
 * @param maxInterval the longest interval a client may declare; caps the extended deadline
 * @param reconnect the client's reconnect backoff
 * @param allowedOrigins origins other than the server's own that may open {@code /ws}
 * @param maxMessageSize the largest text message a client may send (larger: close 1009)
 * @param maxSessions open sessions at most (the next client gets close 1013)
 * @param maxSessionsPerAddress open sessions from one remote address at most (the next one from it
 * gets close 1013); high enough for the many users one NAT or office gateway puts behind one address
 * @param maxMessagesPerSecond inbound messages one session may send per second (more: close 1008)
 * @param sendTimeLimit how long one send to a client may block before the session is given up; a close
 * frame and the wait for the client's reply to it are bounded by it too
 * @param sendBufferLimit how much outbound data may queue for one client while a send is blocked
 * @param connectionBufferSize the size of each buffer the container keeps per connection for as
 * long as it is open (socket read and write, frame in and out, message); heartbeat frames fit in
 * far less than the default, and a larger message is assembled from parts while it comes in
 */
@Validated
@ConfigurationProperties("heartbeat")
public record HeartbeatProperties(
		@DefaultValue("10s") @NotNull Duration interval,
		@DefaultValue("5s") @NotNull Duration ackTimeout,
		@DefaultValue("40s") @NotNull Duration serverTimeout,
		@DefaultValue("1s") @NotNull Duration reaperPeriod,
		@DefaultValue("25s") @NotNull Duration serverPingInterval,
		@DefaultValue("1s") @NotNull Duration slowRtt,
		@DefaultValue("60s") @NotNull Duration slowInterval,
		@DefaultValue("60s") @NotNull Duration maxInterval,
		@DefaultValue @Valid @NotNull Reconnect reconnect,
		@DefaultValue List<String> allowedOrigins,
		@DefaultValue("8KB") @NotNull DataSize maxMessageSize,
		@DefaultValue("10000") @Min(1) int maxSessions,
		@DefaultValue("1000") @Min(1) int maxSessionsPerAddress,
		@DefaultValue("50") @Min(1) int maxMessagesPerSecond,
		@DefaultValue("5s") @NotNull Duration sendTimeLimit,
		@DefaultValue("64KB") @NotNull DataSize sendBufferLimit,
		@DefaultValue("256B") @NotNull DataSize connectionBufferSize) {



	/**
	 * The client's reconnect backoff: full jitter, delay = random(0, min(maxDelay, initialDelay x multiplier^attempt)).
	 */
	public record Reconnect(
			@DefaultValue("1s") @NotNull Duration initialDelay,
			@DefaultValue("30s") @NotNull Duration maxDelay,
			@DefaultValue("2") @DecimalMin("1.0") double multiplier) {

		@AssertTrue(message = "heartbeat.reconnect.initial-delay must be positive and not above heartbeat.reconnect.max-delay")
		boolean isInitialDelayWithinMaxDelay() {
			return initialDelay == null || maxDelay == null
					|| (isPositive(initialDelay) && initialDelay.compareTo(maxDelay) <= 0);
		}
	}

	@AssertTrue(message = "heartbeat.interval, heartbeat.ack-timeout, heartbeat.server-timeout and heartbeat.reaper-period must be positive")
	boolean isEveryTimingPositive() {
		return allSet() && isPositive(interval) && isPositive(ackTimeout) && isPositive(serverTimeout)
				&& isPositive(reaperPeriod) && !serverPingInterval.isNegative() && isPositive(slowRtt);
	}

	@AssertTrue(message = "heartbeat.ack-timeout must be below heartbeat.interval: a client must know a heartbeat failed before it sends the next one")
	boolean isAckTimeoutBelowInterval() {
		return !allSet() || ackTimeout.compareTo(interval) < 0;
	}

	@AssertTrue(message = "heartbeat.interval must be below heartbeat.server-timeout, or the server reaps clients that beat on time")
	boolean isIntervalBelowServerTimeout() {
		return !allSet() || interval.compareTo(serverTimeout) < 0;
	}

	@AssertTrue(message = "heartbeat.reaper-period must not be above heartbeat.server-timeout, or silent sessions outlive their deadline by more than the timeout itself")
	boolean isReaperPeriodWithinServerTimeout() {
		return !allSet() || reaperPeriod.compareTo(serverTimeout) <= 0;
	}

	@AssertTrue(message = "heartbeat.interval and heartbeat.slow-interval must not be above heartbeat.max-interval, or the server reaps clients that beat on time")
	boolean isEveryIntervalWithinMaxInterval() {
		return !allSet() || (interval.compareTo(maxInterval) <= 0 && slowInterval.compareTo(maxInterval) <= 0);
	}

	@AssertTrue(message = "heartbeat.ack-timeout must be below heartbeat.slow-interval")
	boolean isAckTimeoutBelowSlowInterval() {
		return !allSet() || ackTimeout.compareTo(slowInterval) < 0;
	}

	@AssertTrue(message = "heartbeat.connection-buffer-size must be at least 256B")
	boolean isConnectionBufferSizeUsable() {
		return connectionBufferSize == null || connectionBufferSize.toBytes() >= 256;
	}

	private static final Duration LONGEST_PING_PASS_PERIOD = Duration.ofSeconds(1);

	// Duration.isPositive() arrived in Java 18.
	static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private boolean allSet() {
		return interval != null && ackTimeout != null && serverTimeout != null && reaperPeriod != null
				&& serverPingInterval != null && slowRtt != null && slowInterval != null && maxInterval != null;
	}

	/**
	 * How often the pinger looks for the pings that are due: once a second, or once per ping
	 * interval where that is shorter, so that no ping is missed. Each ping found is handed over
	 * with its own delay, so a pass need not come more often.
	 */
	public Duration serverPingPassPeriod() {
		return (isPositive(serverPingInterval) && serverPingInterval.compareTo(LONGEST_PING_PASS_PERIOD) < 0)
				? serverPingInterval : LONGEST_PING_PASS_PERIOD;
	}

	/**
	 * How long a session may stay silent: the server timeout, or 1.5 x the interval the client
	 * declared where that is longer (MQTT's keep-alive rule), the declared interval capped at
	 * {@link #maxInterval}. Without the extension a client on a slow network, beating every
	 * {@code slowInterval}, would be reaped for doing exactly what it was told.
	 * @param declaredInterval the interval the client last declared, or {@code null} if none
	 */
	public Duration deadlineFor(Duration declaredInterval) {
		if (declaredInterval == null) {
			return serverTimeout;
		}
		Duration capped = declaredInterval.compareTo(maxInterval) > 0 ? maxInterval : declaredInterval;
		Duration extended = capped.multipliedBy(3).dividedBy(2);
		return extended.compareTo(serverTimeout) > 0 ? extended : serverTimeout;
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The heartbeat's Micrometer meters, at {@code /actuator/metrics}.
 */
@Component
class HeartbeatMetrics {

	private final Counter acks;

	private final Counter reaped;

	private final Counter badInput;

	private final Counter transportErrors;

	private final Timer reaperPass;

	HeartbeatMetrics(MeterRegistry meters, SessionRegistry registry) {
		Gauge.builder("heartbeat.sessions.active", registry, SessionRegistry::size)
			.description("Open WebSocket sessions")
			.register(meters);
		this.acks = Counter.builder("heartbeat.acks").description("Heartbeats acknowledged").register(meters);
		this.reaped = Counter.builder("heartbeat.reaped")
			.description("Sessions closed with 4000 for staying silent past their deadline")
			.register(meters);
		this.badInput = Counter.builder("heartbeat.errors")
			.tag("cause", "bad-input")
			.description("Errors: input answered with an error frame, or a failed transport")
			.register(meters);
		this.transportErrors = Counter.builder("heartbeat.errors").tag("cause", "transport").register(meters);
		this.reaperPass = Timer.builder("heartbeat.reaper.pass")
			.description("Time one reaper pass takes over all sessions")
			.register(meters);
	}

	void heartbeatAcked() {
		this.acks.increment();
	}

	void sessionReaped() {
		this.reaped.increment();
	}

	void badInputAnswered() {
		this.badInput.increment();
	}

	void transportFailed() {
		this.transportErrors.increment();
	}

	void reaperPassTook(Duration duration) {
		this.reaperPass.record(duration);
	}

}

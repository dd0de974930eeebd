package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.wsheartbeat.heartbeat.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.OutboundMessage.Simulated;

/**
 * The demo's faults, each on the asking session only: a server that drops or delays its acks,
 * or a connection cut without a close frame. Refused unless {@code heartbeat.demo.faults-enabled}:
 * in production no client may make the server misbehave.
 */
@Component
class FaultSimulator {

	static final String FAULTS_DISABLED = "faults-disabled";

	private static final Logger logger = LoggerFactory.getLogger(FaultSimulator.class);

	private final HeartbeatProperties.Demo demo;

	FaultSimulator(HeartbeatProperties properties) {
		this.demo = properties.demo();
	}

	/**
	 * Puts the fault in force on {@code session}.
	 * @return what to answer: a {@code simulated} confirmation, an error, or {@code null} when the
	 * connection is gone and there is no one to answer
	 */
	OutboundMessage simulate(TrackedSession session, Simulate simulate) {
		if (!this.demo.faultsEnabled()) {
			return new ErrorReply(FAULTS_DISABLED, "simulated faults are off (heartbeat.demo.faults-enabled)");
		}
		logger.info("Simulating {} on {}", simulate.fault().wireName(), session);
		switch (simulate.fault()) {
			case DROP_ACKS -> session.simulateAckFault(true, Duration.ZERO);
			case DELAY_ACKS -> {
				if (simulate.delay().compareTo(this.demo.maxAckDelay()) > 0) {
					return new ErrorReply(InboundDecoder.INVALID_FIELD, "\"delay\" must not be above "
							+ this.demo.maxAckDelay().toMillis() + " ms (heartbeat.demo.max-ack-delay)");
				}
				session.simulateAckFault(false, simulate.delay());
			}
			case NONE -> session.simulateAckFault(false, Duration.ZERO);
			case DROP_CONNECTION -> {
				return session.disconnectAbruptly() ? null
						: new ErrorReply(FAULTS_DISABLED, "this server cannot drop a connection abruptly");
			}
		}
		return new Simulated(simulate.fault().wireName(),
				(simulate.delay() != null) ? simulate.delay().toMillis() : null);
	}

}

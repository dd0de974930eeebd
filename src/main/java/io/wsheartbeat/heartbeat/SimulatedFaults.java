package io.wsheartbeat.heartbeat;

import java.time.Duration;

import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;

/**
 * Where protocol v1's {@code simulate} frames go, and so the one way the demo reaches into a
 * session's heartbeat. The product has no faults to simulate: {@link #OFF} refuses every request
 * and acks every heartbeat at once. The demo profile puts its fault simulator in place of it.
 */
public interface SimulatedFaults {

	/** The error code a client gets when the server simulates no faults. */
	String FAULTS_DISABLED = "faults-disabled";

	/** The product's: no faults, every request refused with {@link #FAULTS_DISABLED}. */
	SimulatedFaults OFF = new SimulatedFaults() {

		@Override
		public OutboundMessage simulate(TrackedSession session, Simulate request) {
			return new ErrorReply(FAULTS_DISABLED,
					"simulated faults are off (heartbeat.demo.faults-enabled=false; the demo profile turns them on)");
		}

		@Override
		public Duration ackDelay(TrackedSession session) {
			return Duration.ZERO;
		}

	};

	/**
	 * Puts the requested fault in force on {@code session} alone.
	 * @return what to answer: a confirmation, an error, or {@code null} when the fault took the
	 * connection and there is no one left to answer
	 */
	OutboundMessage simulate(TrackedSession session, Simulate request);

	/**
	 * How long to hold the ack to this session's heartbeat.
	 * @return {@link Duration#ZERO} to ack at once, or {@code null} to drop the ack
	 */
	Duration ackDelay(TrackedSession session);

}

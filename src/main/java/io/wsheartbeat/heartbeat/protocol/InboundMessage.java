package io.wsheartbeat.heartbeat.protocol;

import java.time.Duration;

/**
 * What a client sent, decoded. Input the server cannot use is a value ({@link Unusable}) to answer,
 * not an exception: one client's bad frame must never reach the container as an error.
 */
public sealed interface InboundMessage {

	/**
	 * {@code {"type":"heartbeat","timestamp":...,"interval":...,"rtt":...}}.
	 * @param timestamp the client's timestamp as it wrote it, a JSON number, to be echoed back
	 * unchanged; {@code null} if it sent none
	 * @param interval the interval the client beats at now, or {@code null} if it did not say
	 * @param rtt the last round-trip time the client measured, or {@code null} if it did not say
	 */
	record Heartbeat(String timestamp, Duration interval, Duration rtt) implements InboundMessage {
	}

	/** {@code {"type":"message","text":"..."}}: ordinary data, echoed back. */
	record Message(String text) implements InboundMessage {
	}

	/**
	 * {@code {"type":"simulate","fault":"...","delay":ms}}: a request for a simulated fault on the
	 * sender's own session. Which faults exist is not the protocol's business but the demo's: a
	 * server without the demo refuses every one, whatever it names.
	 * @param fault the fault's name, as the client wrote it
	 * @param delay the {@code delay} the client gave, or {@code null} if none
	 */
	record Simulate(String fault, Duration delay) implements InboundMessage {
	}

	/**
	 * Input the server cannot use, with the error code and message it answers with.
	 * @param code one of the {@code error} codes of protocol v1
	 * @param message what was wrong, for a person reading the client's log
	 */
	record Unusable(String code, String message) implements InboundMessage {
	}

}

package io.wsheartbeat.demo;

import java.util.Arrays;
import java.util.Optional;

/**
 * The faults a client of the demo may ask the server for, with
 * {@code {"type":"simulate","fault":"..."}}: each on its own session, or, in cluster mode, the
 * crash of the node the session is on. The protocol carries the name; only the demo knows what
 * it means.
 */
enum SimulatedFault {

	/** Keep the socket, drop this session's acks: the client's ack timeout must fire (4001). */
	DROP_ACKS("drop-acks"),

	/** Answer heartbeats late by {@code delay} ms: the client's RTT rises past slow-rtt. */
	DELAY_ACKS("delay-acks"),

	/** Cut the TCP connection with no close frame: the client sees 1006. */
	DROP_CONNECTION("drop-connection"),

	/**
	 * Stop the node this session is on, as a crash would (cluster mode only): every client on it
	 * sees 1006, and the other nodes drop its sessions when its lease runs out.
	 */
	STOP_NODE("stop-node"),

	/**
	 * Stop the node this session is on gracefully, as a deploy would (cluster mode only): readiness
	 * first, then its sessions drained with 1012 over {@code heartbeat.shutdown.drain}, then it
	 * leaves the cluster; src/cluster/run starts it again.
	 */
	RESTART_NODE("restart-node"),

	/** Back to normal: acks at once. */
	NONE("none");

	private final String wireName;

	SimulatedFault(String wireName) {
		this.wireName = wireName;
	}

	String wireName() {
		return this.wireName;
	}

	static Optional<SimulatedFault> fromWireName(String wireName) {
		return Arrays.stream(values()).filter((fault) -> fault.wireName.equals(wireName)).findFirst();
	}

	static String wireNames() {
		return String.join(", ", Arrays.stream(values()).map(SimulatedFault::wireName).toList());
	}

}

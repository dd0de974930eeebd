package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.heartbeat.SessionListener;
import io.wsheartbeat.heartbeat.SimulatedFaults;
import io.wsheartbeat.heartbeat.TrackedSession;
import io.wsheartbeat.heartbeat.WebSocketConnections;
import io.wsheartbeat.heartbeat.protocol.InboundDecoder;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.Simulated;

/**
 * The demo's faults, each on the asking session only: a server that drops or delays its acks,
 * or a connection cut without a close frame; and, in cluster mode, the crash of the node the
 * session is on ({@link NodeStop}). It exists only with
 * {@code heartbeat.demo.faults-enabled} (the demo profile): without it the heartbeat refuses every
 * request ({@link SimulatedFaults#OFF}), as a production server must.
 *
 * <p>A session's fault is kept here, by session id, and forgotten when the session leaves the
 * registry: the heartbeat's own session state knows nothing of faults.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.demo.faults-enabled")
class FaultSimulator implements SimulatedFaults, SessionListener {

	private static final Logger logger = LoggerFactory.getLogger(FaultSimulator.class);

	// Only sessions with a fault in force: none for a session served normally.
	private final Map<String, AckFault> ackFaults = new ConcurrentHashMap<>();

	private final Duration maxAckDelay;

	private final WebSocketConnections connections;

	private final Duration lease;

	// Only in cluster mode: on its own, a stopped server would leave its pages nowhere to go.
	private final ServerNode node;

	private final NodeStop nodeStop = new NodeStop();

	FaultSimulator(HeartbeatProperties properties, DemoProperties demo, ObjectProvider<WebSocketConnections> connections,
			ObjectProvider<ServerNode> node) {
		this.maxAckDelay = demo.maxAckDelay();
		this.connections = connections.getIfAvailable(() -> WebSocketConnections.PORTABLE);
		this.lease = properties.cluster().lease();
		this.node = node.getIfAvailable();
	}

	@Override
	public OutboundMessage simulate(TrackedSession session, Simulate simulate) {
		logger.info("Simulating {} on {}", simulate.fault().wireName(), session);
		switch (simulate.fault()) {
			case DROP_ACKS -> this.ackFaults.put(session.id(), AckFault.DROP);
			case DELAY_ACKS -> {
				if (simulate.delay().compareTo(this.maxAckDelay) > 0) {
					return new ErrorReply(InboundDecoder.INVALID_FIELD, "\"delay\" must not be above "
							+ this.maxAckDelay.toMillis() + " ms (heartbeat.demo.max-ack-delay)");
				}
				this.ackFaults.put(session.id(), new AckFault(simulate.delay()));
			}
			case NONE -> this.ackFaults.remove(session.id());
			case DROP_CONNECTION -> {
				return this.connections.abort(session.webSocketSession()) ? null
						: new ErrorReply(FAULTS_DISABLED, "this server cannot drop a connection abruptly");
			}
			case STOP_NODE -> {
				if (this.node == null) {
					return new ErrorReply(FAULTS_DISABLED, "stop-node needs cluster mode (heartbeat.cluster.enabled=true): "
							+ "a server on its own would leave its pages no other node to reconnect to");
				}
				if (this.nodeStop.haltSoon()) {
					logger.warn("Stopping node {} as a crash would, asked by {}: no close frames, no leaving the cluster; "
							+ "the other nodes drop it when its lease ({} ms) runs out", this.node.id(), session,
							this.lease.toMillis());
				}
			}
		}
		return new Simulated(simulate.fault().wireName(),
				(simulate.delay() != null) ? simulate.delay().toMillis() : null);
	}

	@Override
	public Duration ackDelay(TrackedSession session) {
		AckFault fault = this.ackFaults.get(session.id());
		return (fault != null) ? fault.delay() : Duration.ZERO;
	}

	@Override
	public void sessionClosed(TrackedSession session, CloseStatus status) {
		this.ackFaults.remove(session.id());
	}

	/** What happens to one session's acks: held for {@code delay}, or dropped ({@code null}). */
	private record AckFault(Duration delay) {

		static final AckFault DROP = new AckFault(null);

	}

}

package io.wsheartbeat.demo;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.heartbeat.WebSocketConnections;
import io.wsheartbeat.heartbeat.protocol.InboundDecoder;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.Simulated;

/**
 * The demo's faults, each on the asking session only: a server that drops or delays its acks,
 * or a connection cut without a close frame; and, in cluster mode, the crash of the node the
 * session is on ({@link NodeStop}). It exists only with {@code heartbeat.demo.faults-enabled}
 * (the demo profile).
 *
 * <p>It wraps the heartbeat's handler from outside, as spring-websocket's
 * {@code ExceptionWebSocketHandlerDecorator} does, and each session in a {@link FaultySession}:
 * it answers {@code simulate} frames before they reach the heartbeat, and a session's acks are
 * dropped or held on their way out. The heartbeat answers every heartbeat at once and never asks
 * whether a fault is in force; without the demo nothing wraps it, and it refuses every
 * {@code simulate} frame itself.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.demo.faults-enabled")
class FaultSimulator implements WebSocketHandlerDecoratorFactory, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(FaultSimulator.class);

	// Where each session's FaultySession is kept: with the container's session, so it goes with it.
	private static final String FAULTY_SESSION = FaultySession.class.getName();

	private final InboundDecoder decoder = new InboundDecoder();

	private final JsonMapper jsonMapper;

	private final Duration maxAckDelay;

	private final WebSocketConnections connections;

	// Only in cluster mode: on its own, a stopped server would leave its pages nowhere to go.
	private final ServerNode node;

	private final NodeStop nodeStop = new NodeStop();

	private final DelayedAcks delayedAcks;

	FaultSimulator(HeartbeatProperties properties, DemoProperties demo, JsonMapper jsonMapper,
			ObjectProvider<WebSocketConnections> connections, ObjectProvider<ServerNode> node) {
		this.jsonMapper = jsonMapper;
		this.maxAckDelay = demo.maxAckDelay();
		this.connections = connections.getIfAvailable(() -> WebSocketConnections.PORTABLE);
		this.node = node.getIfAvailable();
		this.delayedAcks = new DelayedAcks(properties.maxSessions());
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new FaultSimulatingHandler(handler);
	}

	@Override
	public void destroy() {
		this.delayedAcks.shutdown();
	}

	/**
	 * Carries out one {@code simulate} request on {@code session}.
	 * @return what to answer: a confirmation, an error, or {@code null} when the fault took the
	 * connection and there is no one left to answer
	 */
	private OutboundMessage simulate(FaultySession session, WebSocketSession connection, Simulate request) {
		SimulatedFault fault = SimulatedFault.fromWireName(request.fault()).orElse(null);
		if (fault == null) {
			return new ErrorReply(InboundDecoder.INVALID_FIELD, "\"fault\" must be one of " + SimulatedFault.wireNames());
		}
		logger.info("Simulating {} on session {} from {}", fault.wireName(), session.getId(), session.getRemoteAddress());
		switch (fault) {
			case DROP_ACKS -> session.dropAcks();
			case DELAY_ACKS -> {
				if (request.delay() == null) {
					return new ErrorReply(InboundDecoder.INVALID_FIELD,
							"\"delay\" must be a whole number of milliseconds for delay-acks");
				}
				if (request.delay().compareTo(this.maxAckDelay) > 0) {
					return new ErrorReply(InboundDecoder.INVALID_FIELD, "\"delay\" must not be above "
							+ this.maxAckDelay.toMillis() + " ms (heartbeat.demo.max-ack-delay)");
				}
				session.delayAcks(request.delay());
			}
			case NONE -> session.ackAtOnce();
			case DROP_CONNECTION -> {
				return this.connections.abort(connection) ? null
						: new ErrorReply(ErrorReply.FAULTS_DISABLED, "this server cannot drop a connection abruptly");
			}
			case RESTART_NODE -> {
				if (this.node == null) {
					return new ErrorReply(ErrorReply.FAULTS_DISABLED,
							"restart-node needs cluster mode (heartbeat.cluster.enabled=true): "
									+ "a server on its own would leave its pages no other node to reconnect to");
				}
				if (this.nodeStop.exitGracefullySoon()) {
					logger.warn("Node {} {} by session {}: readiness first, its sessions drained with 1012, then it leaves the cluster",
							this.node.id(), NodeStop.RESTART_MARK, session.getId());
				}
			}
			case STOP_NODE -> {
				if (this.node == null) {
					return new ErrorReply(ErrorReply.FAULTS_DISABLED,
							"stop-node needs cluster mode (heartbeat.cluster.enabled=true): "
									+ "a server on its own would leave its pages no other node to reconnect to");
				}
				if (this.nodeStop.haltSoon()) {
					logger.warn("Stopping node {} as a crash would, asked by session {}: no close frames, no leaving "
							+ "the cluster; the other nodes drop it when its lease runs out", this.node.id(), session.getId());
				}
			}
		}
		Long delay = (fault == SimulatedFault.DELAY_ACKS) ? request.delay().toMillis() : null;
		return new Simulated(fault.wireName(), delay);
	}

	/**
	 * The heartbeat's handler with the demo's faults around it: each session wrapped in a
	 * {@link FaultySession}, and every whole {@code simulate} frame answered here.
	 */
	private final class FaultSimulatingHandler extends WebSocketHandlerDecorator {

		FaultSimulatingHandler(WebSocketHandler delegate) {
			super(delegate);
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			FaultySession faulty = new FaultySession(session, FaultSimulator.this.delayedAcks);
			session.getAttributes().put(FAULTY_SESSION, faulty);
			super.afterConnectionEstablished(faulty);
		}

		/**
		 * Answers a {@code simulate} frame and takes it no further: a request for a fault is the
		 * demo's business, not the heartbeat's, so it neither counts as the session's activity
		 * nor toward its message rate (a demo client may stop the whole node anyway). A message
		 * that comes in parts goes on to the heartbeat, whatever it holds: a request for a fault
		 * fits in one part, and the heartbeat is what gathers parts and bounds their size.
		 */
		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
			// Every whole message is decoded here and again by the heartbeat: a cost of the demo's
			// alone, which the product, with nothing wrapping its handler, does not pay.
			FaultySession faulty = faultySession(session);
			if (faulty != null && message instanceof TextMessage text && faulty.isWholeMessage(text.isLast())
					&& FaultSimulator.this.decoder.decode(text.getPayload()) instanceof Simulate request) {
				OutboundMessage answer = simulate(faulty, session, request);
				if (answer != null) {
					faulty.reply(answer.toJson(FaultSimulator.this.jsonMapper));
				}
				return;
			}
			super.handleMessage((faulty != null) ? faulty : session, message);
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
			super.handleTransportError(orItself(session), exception);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			super.afterConnectionClosed(orItself(session), closeStatus);
		}

		private FaultySession faultySession(WebSocketSession session) {
			return (FaultySession) session.getAttributes().get(FAULTY_SESSION);
		}

		private WebSocketSession orItself(WebSocketSession session) {
			FaultySession faulty = faultySession(session);
			return (faulty != null) ? faulty : session;
		}

	}

}

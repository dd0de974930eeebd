package io.wsheartbeat.heartbeat;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;
import io.wsheartbeat.heartbeat.protocol.InboundDecoder;
import io.wsheartbeat.heartbeat.protocol.InboundMessage;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Message;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Unusable;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.Echo;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.HeartbeatAck;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.Welcome;

/**
 * The {@code /ws} endpoint: protocol v1. Welcomes each session with its timings, answers every
 * heartbeat at once, echoes messages, and answers input it cannot use with an error frame while
 * keeping the session open. Binary frames are refused with 1003 by {@link TextWebSocketHandler}.
 * It simulates no faults: a {@code simulate} frame that reaches it is refused with
 * {@code faults-disabled}. The demo's faults wrap it from outside, as a decorator of this handler
 * that answers those frames before they get here (see {@link HeartbeatConfiguration}).
 *
 * <p>It takes messages in parts ({@link #supportsPartialMessages()}), so that the container's
 * per-session message buffers can be small: a text message larger than them is gathered in its
 * {@link TrackedSession} while it comes in, up to {@code heartbeat.max-message-size}, beyond which
 * the session is closed with 1009.
 */
@Component
class HeartbeatHandler extends TextWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(HeartbeatHandler.class);

	// How a session that failed in transport shows in the view: the connection is gone without a close frame.
	private static final CloseStatus TRANSPORT_FAILED = CloseStatus.NO_CLOSE_FRAME.withReason("transport error");

	// The answer to every simulate frame that reaches the handler: the product simulates no faults.
	private static final ErrorReply FAULTS_DISABLED = new ErrorReply(ErrorReply.FAULTS_DISABLED,
			"simulated faults are off (heartbeat.demo.faults-enabled=false; the demo profile turns them on)");

	private final InboundDecoder decoder = new InboundDecoder();

	private final HeartbeatProperties properties;

	private final SessionRegistry registry;

	private final JsonMapper jsonMapper;

	private final MonotonicClock monotonicClock;

	private final Clock wallClock;

	private final HeartbeatMetrics metrics;

	private final WebSocketConnections connections;

	// The first frame of every session: the same text but for the session's id, written once.
	private final Welcome.Frame welcome;

	// Characters, as the container's text buffer counted them when it was the limit.
	private final int maxMessageLength;

	HeartbeatHandler(HeartbeatProperties properties, SessionRegistry registry, JsonMapper jsonMapper,
			MonotonicClock monotonicClock, Clock wallClock, HeartbeatMetrics metrics,
			ObjectProvider<WebSocketConnections> connections, ObjectProvider<ServerNode> node) {
		this.properties = properties;
		this.registry = registry;
		this.jsonMapper = jsonMapper;
		this.monotonicClock = monotonicClock;
		this.wallClock = wallClock;
		this.metrics = metrics;
		this.connections = connections.getIfAvailable(() -> WebSocketConnections.PORTABLE);
		ServerNode serverNode = node.getIfAvailable();
		this.welcome = welcome(properties, (serverNode != null) ? serverNode.id() : null).frame(jsonMapper);
		this.maxMessageLength = (int) properties.maxMessageSize().toBytes();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		this.connections.limitSends(session, this.properties.sendTimeLimit());
		TrackedSession tracked = new TrackedSession(
				new ConcurrentWebSocketSessionDecorator(session, (int) this.properties.sendTimeLimit().toMillis(),
						(int) this.properties.sendBufferLimit().toBytes()),
				this.wallClock.instant(), this.monotonicClock.nanoTime(), this.properties.serverTimeout());
		switch (this.registry.add(tracked)) {
			case SERVER_FULL -> {
				logger.warn("Refused {}: {} sessions open already (heartbeat.max-sessions)", tracked,
						this.properties.maxSessions());
				tracked.close(CloseCodes.SERVER_FULL);
			}
			case ADDRESS_FULL -> {
				// INFO, not WARN: a NAT or an over-eager reconnect loop can do this without malice.
				logger.info("Refused {}: {} sessions open from {} already (heartbeat.max-sessions-per-address)",
						tracked, this.properties.maxSessionsPerAddress(), tracked.remoteHost());
				tracked.close(CloseCodes.ADDRESS_FULL);
			}
			case SHUTTING_DOWN -> tracked.close(this.registry.turnedAway());
			case ADMITTED -> {
				logger.info("Session {} opened from {}", tracked.id(), tracked.remoteAddress());
				tracked.send(this.welcome.forSession(tracked.id()));
			}
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage part) {
		TrackedSession tracked = this.registry.find(session.getId()).orElse(null);
		if (tracked == null) {
			return; // reaped or closing: nothing more to say to it
		}
		String whole;
		try {
			whole = tracked.messagePart(part.getPayload(), part.isLast(), this.maxMessageLength);
		}
		catch (TrackedSession.MessageTooLargeException ex) {
			logger.info("Closing {}: a message over {} characters (heartbeat.max-message-size)", tracked,
					this.maxMessageLength);
			tracked.close(CloseCodes.MESSAGE_TOO_LARGE);
			return;
		}
		if (whole == null) {
			return; // more of the message to come
		}
		if (!tracked.messageReceived(this.monotonicClock.nanoTime(), this.properties.maxMessagesPerSecond())) {
			logger.info("Closing {}: more than {} messages per second", tracked, this.properties.maxMessagesPerSecond());
			tracked.close(CloseCodes.TOO_MANY_MESSAGES);
			return;
		}
		InboundMessage message = this.decoder.decode(whole);
		if (message instanceof Heartbeat heartbeat) {
			heartbeatReceived(tracked, heartbeat);
		}
		else if (message instanceof Message text) {
			send(tracked, new Echo(text.text(), this.wallClock.millis()));
		}
		else if (message instanceof Simulate) {
			send(tracked, FAULTS_DISABLED);
		}
		else if (message instanceof Unusable unusable) {
			reject(tracked, unusable);
		}
	}

	private void heartbeatReceived(TrackedSession tracked, Heartbeat heartbeat) {
		if (heartbeat.interval() != null
				&& tracked.intervalDeclared(heartbeat.interval(), this.properties.deadlineFor(heartbeat.interval()))) {
			this.registry.deadlineCameNearer(tracked);
		}
		if (heartbeat.rtt() != null) {
			tracked.rttReported(heartbeat.rtt());
		}
		ack(tracked, heartbeat);
	}

	private void ack(TrackedSession tracked, Heartbeat heartbeat) {
		send(tracked, new HeartbeatAck(heartbeat.timestamp(), this.wallClock.millis()));
		tracked.heartbeatAcked();
		this.metrics.heartbeatAcked();
		logger.debug("Acked heartbeat from {}", tracked);
	}

	private void reject(TrackedSession tracked, Unusable unusable) {
		logger.debug("Unusable input from {}: {}", tracked, unusable.message());
		this.metrics.badInputAnswered();
		send(tracked, new ErrorReply(unusable.code(), unusable.message()));
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		this.registry.find(session.getId())
			.ifPresent((tracked) -> tracked.pongReceived(this.monotonicClock.nanoTime(), message.getPayload()));
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		// Could be part of normal workflow (a browser tab closed mid-frame): not an ERROR.
		this.registry.remove(session.getId(), TRANSPORT_FAILED).ifPresent((tracked) -> {
			this.metrics.transportFailed();
			logger.info("Session {} from {} failed: {}", tracked.id(), tracked.remoteAddress(), exception.toString());
		});
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.registry.remove(session.getId(), status)
			.ifPresent((tracked) -> logger.info("Session {} from {} closed: {} {}", tracked.id(),
					tracked.remoteAddress(), status.getCode(), (status.getReason() != null) ? status.getReason() : ""));
	}

	/**
	 * The first frame of every session: its id, the timings the client must adopt, and in a
	 * cluster the node it is connected to (on a server of its own, {@code node} is null and the
	 * welcome names none).
	 */
	private static Welcome welcome(HeartbeatProperties p, String node) {
		return new Welcome(null, p.interval().toMillis(), p.ackTimeout().toMillis(), p.serverTimeout().toMillis(),
				p.slowRtt().toMillis(), p.slowInterval().toMillis(), p.maxInterval().toMillis(), node);
	}

	private void send(TrackedSession tracked, OutboundMessage message) {
		tracked.send(message.toJson(this.jsonMapper));
	}

}

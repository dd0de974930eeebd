package io.wsheartbeat.heartbeat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import io.wsheartbeat.heartbeat.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.InboundMessage.Message;
import io.wsheartbeat.heartbeat.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.InboundMessage.Unusable;
import io.wsheartbeat.heartbeat.OutboundMessage.Echo;
import io.wsheartbeat.heartbeat.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.OutboundMessage.HeartbeatAck;
import io.wsheartbeat.heartbeat.OutboundMessage.Welcome;

/**
 * The {@code /ws} endpoint: protocol v1. Welcomes each session with its timings, answers every
 * heartbeat at once, echoes messages, and answers input it cannot use with an error frame while
 * keeping the session open. Binary frames are refused with 1003 by {@link TextWebSocketHandler}.
 */
@Component
class HeartbeatHandler extends TextWebSocketHandler {

	private static final Logger logger = LoggerFactory.getLogger(HeartbeatHandler.class);

	// Tomcat's own limits, per session bounded by heartbeat.send-time-limit instead: on a blocking
	// send (20 s), on waiting for the client's reply to our close frame (30 s), and on sending a
	// close frame with any code but 1000 (50 ms). Every close this server sends has such a code
	// (1001, 1008, 4000, ...), and at 50 ms a busy server cuts a healthy client's connection
	// before the frame is out: the client sees 1006 and cannot tell why it was closed.
	// RestartTests saw it at a graceful stop with 16 worker threads, in 3 runs of 7.
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final String TOMCAT_SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

	private static final String TOMCAT_CLOSE_FRAME_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

	// How a session that failed in transport shows in the view: the connection is gone without a close frame.
	private static final CloseStatus TRANSPORT_FAILED = CloseStatus.NO_CLOSE_FRAME.withReason("transport error");

	private final HeartbeatProperties properties;

	private final SessionRegistry registry;

	private final InboundDecoder decoder;

	private final JsonMapper jsonMapper;

	private final MonotonicClock monotonicClock;

	private final Clock wallClock;

	private final HeartbeatMetrics metrics;

	private final SessionTasks tasks;

	private final FaultSimulator faults;

	private volatile boolean acceptingSessions = true;

	HeartbeatHandler(HeartbeatProperties properties, SessionRegistry registry, InboundDecoder decoder,
			JsonMapper jsonMapper, MonotonicClock monotonicClock, Clock wallClock, HeartbeatMetrics metrics,
			SessionTasks tasks, FaultSimulator faults) {
		this.tasks = tasks;
		this.faults = faults;
		this.properties = properties;
		this.registry = registry;
		this.decoder = decoder;
		this.jsonMapper = jsonMapper;
		this.monotonicClock = monotonicClock;
		this.wallClock = wallClock;
		this.metrics = metrics;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		limitBlockingSends(session);
		TrackedSession tracked = new TrackedSession(
				new ConcurrentWebSocketSessionDecorator(session, (int) this.properties.sendTimeLimit().toMillis(),
						(int) this.properties.sendBufferLimit().toBytes()),
				this.wallClock.instant(), this.monotonicClock.nanoTime(), this.properties.serverTimeout());
		if (!this.acceptingSessions) {
			tracked.close(CloseCodes.SHUTTING_DOWN);
			return;
		}
		switch (this.registry.add(tracked)) {
			case SERVER_FULL -> {
				logger.warn("Refused {}: {} sessions open already (heartbeat.max-sessions)", tracked,
						this.properties.maxSessions());
				tracked.close(CloseCodes.SERVER_FULL);
				return;
			}
			case ADDRESS_FULL -> {
				// INFO, not WARN: a NAT or an over-eager reconnect loop can do this without malice.
				logger.info("Refused {}: {} sessions open from {} already (heartbeat.max-sessions-per-address)",
						tracked, this.properties.maxSessionsPerAddress(), tracked.remoteHost());
				tracked.close(CloseCodes.ADDRESS_FULL);
				return;
			}
			case ADMITTED -> {
			}
		}
		// Shutdown may have begun between the check above and the add: closeAllForShutdown then
		// iterated the registry before this session was in it. Whoever removes it closes it.
		if (!this.acceptingSessions) {
			this.registry.remove(tracked.id(), CloseCodes.SHUTTING_DOWN).ifPresent((late) -> late.close(CloseCodes.SHUTTING_DOWN));
			return;
		}
		logger.info("Session {} opened from {}", tracked.id(), tracked.remoteAddress());
		send(tracked, Welcome.of(tracked.id(), this.properties));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage frame) {
		TrackedSession tracked = this.registry.find(session.getId()).orElse(null);
		if (tracked == null) {
			return; // reaped or closing: nothing more to say to it
		}
		if (!tracked.messageReceived(this.monotonicClock.nanoTime(), this.properties.maxMessagesPerSecond())) {
			logger.info("Closing {}: more than {} messages per second", tracked, this.properties.maxMessagesPerSecond());
			tracked.close(CloseCodes.TOO_MANY_MESSAGES);
			return;
		}
		InboundMessage message = this.decoder.decode(frame.getPayload());
		if (message instanceof Heartbeat heartbeat) {
			heartbeatReceived(tracked, heartbeat);
		}
		else if (message instanceof Message text) {
			send(tracked, new Echo(text.text(), this.wallClock.millis()));
		}
		else if (message instanceof Simulate simulate) {
			OutboundMessage answer = this.faults.simulate(tracked, simulate);
			if (answer != null) {
				send(tracked, answer);
			}
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
		if (tracked.dropsAcks()) {
			logger.debug("Dropped the ack to {} (simulated fault)", tracked);
			return;
		}
		Duration delay = tracked.ackDelay();
		if (delay.isZero()) {
			ack(tracked, heartbeat);
		}
		else {
			this.tasks.later(() -> ack(tracked, heartbeat), delay);
		}
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

	void acceptSessions() {
		this.acceptingSessions = true;
	}

	/**
	 * Closes every session with 1001 and refuses new ones: the server is going away.
	 * @return the sessions it closed
	 */
	List<TrackedSession> closeAllForShutdown() {
		this.acceptingSessions = false;
		List<TrackedSession> closed = new ArrayList<>();
		for (TrackedSession tracked : this.registry.sessions()) {
			if (this.registry.remove(tracked.id(), CloseCodes.SHUTTING_DOWN).isPresent()) {
				tracked.close(CloseCodes.SHUTTING_DOWN);
				closed.add(tracked);
			}
		}
		return closed;
	}

	private void send(TrackedSession tracked, OutboundMessage message) {
		tracked.send(message.toJson(this.jsonMapper));
	}

	private void limitBlockingSends(WebSocketSession session) {
		if (session instanceof NativeWebSocketSession nativeSession
				&& nativeSession.getNativeSession() instanceof Session container) {
			Map<String, Object> userProperties = container.getUserProperties();
			long limit = this.properties.sendTimeLimit().toMillis();
			userProperties.put(TOMCAT_BLOCKING_SEND_TIMEOUT, limit);
			userProperties.put(TOMCAT_SESSION_CLOSE_TIMEOUT, limit);
			userProperties.put(TOMCAT_CLOSE_FRAME_SEND_TIMEOUT, limit);
		}
	}

}

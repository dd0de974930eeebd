package io.wsheartbeat.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * A session as the demo's faults shape what the server sends it: while a fault on its acks is in
 * force, the heartbeat's acks are dropped, or held for a delay, on their way to the client, as a
 * broken server or network would; every other frame passes as it is. The heartbeat sends through
 * it as through any session and never learns of the fault.
 *
 * <p>It stays a {@link NativeWebSocketSession}, so that what the heartbeat asks of the container
 * (send limits, whether a close has finished) still reaches the container's session beneath it.
 */
final class FaultySession extends WebSocketSessionDecorator implements NativeWebSocketSession {

	private static final Logger logger = LoggerFactory.getLogger(FaultySession.class);

	// How every ack starts on the wire (protocol v1; OutboundMessageTests holds the heartbeat's
	// ack to it), and no other frame: an echo or an error leads with its own type.
	private static final String ACK_PREFIX = "{\"type\":\"heartbeat_ack\"";

	private final DelayedAcks delayedAcks;

	// A held ack goes out on the demo's thread while the heartbeat may be sending on another, and
	// the container's session takes one send at a time.
	private final ReentrantLock sendLock = new ReentrantLock();

	// What happens to this session's acks; null while they pass at once.
	private volatile AckFault ackFault;

	// Whether the last part delivered left a message unfinished. Touched only by the thread
	// delivering this session's messages, and the container delivers one at a time per session.
	private boolean midMessage;

	FaultySession(WebSocketSession session, DelayedAcks delayedAcks) {
		super(session);
		this.delayedAcks = delayedAcks;
	}

	void dropAcks() {
		this.ackFault = AckFault.DROP;
	}

	void delayAcks(Duration delay) {
		this.ackFault = new AckFault(delay);
	}

	/** Acks pass at once again; one held already still goes out when its delay is up. */
	void ackAtOnce() {
		this.ackFault = null;
	}

	/**
	 * Takes note of one part of a text message, as the container delivers it.
	 * @return whether the part is a whole message: the last part, with none before it
	 */
	boolean isWholeMessage(boolean last) {
		boolean whole = !this.midMessage && last;
		this.midMessage = !last;
		return whole;
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		AckFault fault = this.ackFault;
		if (fault == null || !isAck(message)) {
			send(message);
		}
		else if (fault.delay() == null) {
			logger.debug("Dropped the ack to session {} (simulated fault)", getId());
		}
		else if (!this.delayedAcks.sendLater(() -> sendLate(message), fault.delay())) {
			logger.debug("Dropped the ack to session {}: too many acks held already", getId());
		}
	}

	/**
	 * Sends the demo's own answer to this client; a client gone meanwhile is closed as the
	 * heartbeat closes one, rather than failing the handler.
	 */
	void reply(String text) {
		sendLate(new TextMessage(text));
	}

	private void sendLate(WebSocketMessage<?> message) {
		if (!isOpen()) {
			return;
		}
		try {
			send(message);
		}
		catch (IOException | IllegalStateException ex) {
			// Could be part of normal workflow (the client went away while its ack was held).
			logger.debug("Send to session {} failed: {}", getId(), ex.toString());
			try {
				close(CloseStatus.SESSION_NOT_RELIABLE);
			}
			catch (IOException | IllegalStateException closeFailure) {
				// gone already
			}
		}
	}

	private void send(WebSocketMessage<?> message) throws IOException {
		this.sendLock.lock();
		try {
			getDelegate().sendMessage(message);
		}
		finally {
			this.sendLock.unlock();
		}
	}

	private static boolean isAck(WebSocketMessage<?> message) {
		return message instanceof TextMessage text && text.getPayload().startsWith(ACK_PREFIX);
	}

	@Override
	public Object getNativeSession() {
		return (getDelegate() instanceof NativeWebSocketSession container) ? container.getNativeSession() : null;
	}

	@Override
	public <T> T getNativeSession(Class<T> requiredType) {
		return (getDelegate() instanceof NativeWebSocketSession container) ? container.getNativeSession(requiredType)
				: null;
	}

	/** What happens to a session's acks: held for {@code delay}, or dropped ({@code null}). */
	private record AckFault(Duration delay) {

		static final AckFault DROP = new AckFault(null);

	}

}

package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.SessionLimitExceededException;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * One open WebSocket session as the heartbeat sees it: when it last spoke, what interval it
 * declared, how long it may stay silent, and the network's answer to our pings.
 *
 * <p>All times are read from a {@link MonotonicClock}; only {@link #connectedAt()} is wall-clock
 * time, for people to read. The session it wraps must be safe for concurrent senders (a
 * {@link org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator}), because the
 * ack goes out on the thread that read the heartbeat while pings and closes come from elsewhere.
 */
public final class TrackedSession {

	private static final Logger logger = LoggerFactory.getLogger(TrackedSession.class);

	/** A time that has not come: no pong yet, no round trip yet, no ping planned yet. */
	public static final long NEVER = Long.MIN_VALUE;

	/**
	 * The handshake attribute of a session the server opened to itself at start-up to warm its
	 * code up ({@code io.wsheartbeat.warmup}): admitted, served and reaped like any other, but no
	 * {@link SessionListener} hears of it, so it never shows in the view or the cluster.
	 */
	public static final String WARM_UP = "io.wsheartbeat.warm-up";

	private static final long ONE_SECOND = Duration.ofSeconds(1).toNanos();

	private final ConcurrentWebSocketSessionDecorator session;

	private final String remoteAddress;

	private final String remoteHost;

	private final Instant connectedAt;

	private final boolean warmUp;

	private final long connectedAtNanos;

	private volatile long lastActiveNanos;

	private volatile long silenceAllowedNanos;

	private volatile Duration declaredInterval;

	private volatile long lastPongNanos = NEVER;

	private volatile long rttNanos = NEVER;

	private final AtomicLong messagesReceived = new AtomicLong();

	private final AtomicLong heartbeatsAcked = new AtomicLong();

	// When the next ping is due (ServerPinger). Only the pinger's passes touch it, one at a time.
	private long nextPingNanos = NEVER;

	// The rate window is touched only by the thread delivering this session's messages, and the
	// container delivers one message at a time per session.
	private long rateWindowStartNanos;

	private int messagesInRateWindow;

	// A text message larger than the container's buffer comes in parts; they are gathered here
	// until the last one. Null between such messages: a session holds no message buffer of its own
	// unless one is under way, and the buffer goes with the session when it closes mid-message.
	// Touched only by the thread delivering this session's messages, like the rate window.
	private StringBuilder messageSoFar;

	// Set once a message went over the size limit: its remaining parts are dropped while the session closes.
	private boolean droppingMessage;

	public TrackedSession(ConcurrentWebSocketSessionDecorator session, Instant connectedAt, long nowNanos, Duration silenceAllowed) {
		this.session = session;
		this.remoteAddress = describe(session.getRemoteAddress());
		this.remoteHost = (session.getRemoteAddress() != null) ? session.getRemoteAddress().getHostString() : "unknown";
		this.connectedAt = connectedAt;
		this.warmUp = session.getAttributes().containsKey(WARM_UP);
		this.connectedAtNanos = nowNanos;
		this.lastActiveNanos = nowNanos;
		this.rateWindowStartNanos = nowNanos;
		this.silenceAllowedNanos = silenceAllowed.toNanos();
	}

	public String id() {
		return this.session.getId();
	}

	/** Whether the server opened this session to itself at start-up ({@link #WARM_UP}). */
	public boolean isWarmUp() {
		return this.warmUp;
	}

	public String remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * The client's host without the port: what {@code heartbeat.max-sessions-per-address} counts.
	 * Behind a reverse proxy this is the proxy unless the server trusts its forwarded headers.
	 */
	public String remoteHost() {
		return this.remoteHost;
	}

	public Instant connectedAt() {
		return this.connectedAt;
	}

	/**
	 * Records that the client spoke. Any text message counts, not only heartbeats: a client busy
	 * sending data is evidently alive.
	 * @return {@code false} if this message takes the session over {@code maxPerSecond}
	 */
	boolean messageReceived(long nowNanos, int maxPerSecond) {
		this.lastActiveNanos = nowNanos;
		this.messagesReceived.incrementAndGet();
		if (nowNanos - this.rateWindowStartNanos >= ONE_SECOND) {
			this.rateWindowStartNanos = nowNanos;
			this.messagesInRateWindow = 0;
		}
		return ++this.messagesInRateWindow <= maxPerSecond;
	}

	/**
	 * Takes one part of a text message, as the container delivers it: a message that fits its buffer
	 * in one part, a larger one in several, the last with {@code last} set.
	 * @return the whole message once its last part has come; {@code null} while more is to come, or
	 * for the rest of a message that went over the limit
	 * @throws MessageTooLargeException when the message grows past {@code maxLength} characters (once
	 * per message; what was gathered is dropped)
	 */
	String messagePart(String part, boolean last, int maxLength) throws MessageTooLargeException {
		if (this.droppingMessage) {
			this.droppingMessage = !last;
			return null;
		}
		StringBuilder soFar = this.messageSoFar;
		int length = ((soFar != null) ? soFar.length() : 0) + part.length();
		if (length > maxLength) {
			this.messageSoFar = null;
			this.droppingMessage = !last;
			throw new MessageTooLargeException();
		}
		if (soFar == null) {
			if (last) {
				return part;
			}
			this.messageSoFar = new StringBuilder(part);
			return null;
		}
		soFar.append(part);
		if (!last) {
			return null;
		}
		this.messageSoFar = null;
		return soFar.toString();
	}

	/** How many characters of an incomplete message this session holds. */
	int incompleteMessageLength() {
		StringBuilder soFar = this.messageSoFar;
		return (soFar != null) ? soFar.length() : 0;
	}

	/** A text message over {@code heartbeat.max-message-size}: answered with 1009, not an error. */
	static final class MessageTooLargeException extends Exception {

		MessageTooLargeException() {
			super("message over the size limit", null, false, false);
		}

	}

	/**
	 * Records the interval the client says it beats at, and with it how long it may stay silent.
	 * @return whether the session may now stay silent for less time than before, so that its
	 * deadline came nearer
	 */
	boolean intervalDeclared(Duration interval, Duration silenceAllowed) {
		long before = this.silenceAllowedNanos;
		this.declaredInterval = interval;
		this.silenceAllowedNanos = silenceAllowed.toNanos();
		return this.silenceAllowedNanos < before;
	}

	void heartbeatAcked() {
		this.heartbeatsAcked.incrementAndGet();
	}

	/** Records a round-trip time the client measured and reported. */
	void rttReported(Duration rtt) {
		this.rttNanos = rtt.toNanos();
	}

	/**
	 * Records a pong. It proves the network path and the browser are alive, but not the page's
	 * script, so it does not count as activity: a tab whose heartbeat stopped is still reaped.
	 */
	void pongReceived(long nowNanos, ByteBuffer payload) {
		this.lastPongNanos = nowNanos;
		if (payload.remaining() == Long.BYTES) {
			long sentAt = payload.getLong(payload.position());
			long rtt = nowNanos - sentAt;
			if (rtt >= 0 && nowNanos - this.connectedAtNanos >= rtt) {
				this.rttNanos = rtt;
			}
		}
	}

	/** Whether the session stayed silent past its deadline at {@code nowNanos}. */
	boolean isSilentPastDeadline(long nowNanos) {
		return nowNanos - this.lastActiveNanos > this.silenceAllowedNanos;
	}

	/** When the session is silent past its deadline unless it speaks before. */
	long deadlineNanos() {
		return this.lastActiveNanos + this.silenceAllowedNanos;
	}

	/**
	 * Sends a text frame. A client that stopped reading is closed here once its send time or
	 * buffer runs over the limit, rather than holding this thread or others.
	 */
	public void send(String text) {
		sendOrGiveUp(new TextMessage(text));
	}

	/** When the pinger is to ping this session next; {@link #NEVER} until its first pass over it. */
	long nextPingNanos() {
		return this.nextPingNanos;
	}

	void nextPingAt(long nanos) {
		this.nextPingNanos = nanos;
	}

	/** Sends a protocol Ping whose payload is the send time, so the pong tells the round trip. */
	void ping(long nowNanos) {
		sendOrGiveUp(new PingMessage(ByteBuffer.allocate(Long.BYTES).putLong(0, nowNanos)));
	}

	private void sendOrGiveUp(WebSocketMessage<?> message) {
		if (!this.session.isOpen()) {
			return;
		}
		try {
			this.session.sendMessage(message);
		}
		catch (SessionLimitExceededException ex) {
			logger.info("Session {} from {} stopped reading: {}", id(), this.remoteAddress, ex.getMessage());
			close(CloseCodes.CLIENT_NOT_READING);
		}
		catch (IOException | IllegalStateException ex) {
			// Could be part of normal workflow (the client went away mid-send). Either way the
			// connection cannot be trusted with the next frame.
			logger.debug("Send to session {} failed: {}", id(), ex.toString());
			close(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	/** Whether a send to this client has been under way for longer than {@code limit}. */
	boolean isSendStuckFor(Duration limit) {
		return this.session.getTimeSinceSendStarted() > limit.toMillis();
	}

	/** Closes the session. Never throws: the connection may already be gone. */
	public void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | IllegalStateException ex) {
			logger.debug("Close of session {} with {} failed: {}", id(), status, ex.toString());
		}
	}

	/**
	 * The session as the container gave it, for what only the container can do with it
	 * ({@link WebSocketConnections}). Sends go through {@link #send} instead, which is safe for
	 * concurrent senders.
	 */
	public WebSocketSession webSocketSession() {
		return this.session.getDelegate();
	}

	// What the session's state is, read for the server's view; all times are monotonic nanoseconds.

	public long connectedAtNanos() {
		return this.connectedAtNanos;
	}

	public long lastActiveNanos() {
		return this.lastActiveNanos;
	}

	/** How long the session may stay silent now. */
	public Duration silenceAllowed() {
		return Duration.ofNanos(this.silenceAllowedNanos);
	}

	/** When the last pong came, or {@link #NEVER}. */
	public long lastPongNanos() {
		return this.lastPongNanos;
	}

	/** The last round-trip time, reported by the client or measured by a ping, or {@link #NEVER}. */
	public long rttNanos() {
		return this.rttNanos;
	}

	/** The interval the client last declared, or {@code null} if it declared none. */
	public Duration declaredInterval() {
		return this.declaredInterval;
	}

	public long messagesReceived() {
		return this.messagesReceived.get();
	}

	public long heartbeatsAcked() {
		return this.heartbeatsAcked.get();
	}

	private static String describe(InetSocketAddress address) {
		if (address == null) {
			return "unknown";
		}
		String host = address.getHostString();
		// An IPv6 address in brackets, so that its port reads as a port (RFC 3986).
		return ((address.getAddress() instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	@Override
	public String toString() {
		return "TrackedSession[" + id() + " from " + this.remoteAddress + "]";
	}

}

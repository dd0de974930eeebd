package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.springframework.web.socket.WebSocketSession;

/**
 * What the heartbeat needs from the WebSocket container that Spring's session API does not offer.
 * Tomcat's lives in {@code io.wsheartbeat.tomcat}, Jetty's in {@code io.wsheartbeat.jetty}; on
 * another container {@link #PORTABLE} does what the standard API allows.
 */
public interface WebSocketConnections {

	/** What the standard API allows: no send limits of the container's own, no abort. */
	WebSocketConnections PORTABLE = new WebSocketConnections() {

		@Override
		public void limitSends(WebSocketSession session, Duration limit) {
		}

		@Override
		public boolean isConnectionClosed(WebSocketSession session) {
			return !session.isOpen();
		}

		@Override
		public boolean abort(WebSocketSession session) {
			return false;
		}

	};

	/**
	 * Bounds, by {@code limit}, every wait the container may make while sending to this session:
	 * a blocking send, a close frame, and the wait for the client's reply to it.
	 */
	void limitSends(WebSocketSession session, Duration limit);

	/**
	 * Whether the connection is gone: not only closed for sending, as right after a close, but
	 * with the close handshake finished (the client's reply read) or the connection cut.
	 */
	boolean isConnectionClosed(WebSocketSession session);

	/**
	 * Cuts the connection with no close frame, as a crashed server or a dead network would.
	 * @return {@code false} if this container cannot
	 */
	boolean abort(WebSocketSession session);

}

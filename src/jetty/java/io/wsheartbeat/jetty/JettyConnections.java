package io.wsheartbeat.jetty;

import java.time.Duration;

import jakarta.websocket.Session;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.wsheartbeat.heartbeat.WebSocketConnections;

/**
 * What the heartbeat asks of a Jetty session beyond Spring's API, through the session Jetty keeps
 * under the Jakarta one ({@link CoreSession}): a send limit, whether its close handshake has
 * finished, and (for the demo) a cut with no close frame, which Jetty offers as it is
 * ({@link CoreSession#abort()}).
 */
@Component
@ConditionalOnClass(name = "org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession")
class JettyConnections implements WebSocketConnections {

	/**
	 * Puts every message Jetty sends on this session, blocking or not, under {@code limit}: Jetty
	 * fails a message still unwritten when its timeout runs out ("FrameFlusher Write Timeout") and
	 * closes the connection. Jetty has no default for it (it waits for ever, as long as the session
	 * has no idle timeout, and here it has none), no send timeout per container that reaches the
	 * blocking sends Spring makes, and a setter only on the async remote endpoint; the blocking one
	 * keeps the same timeout in the same (protected) field, set here by reflection.
	 *
	 * <p>Unlike Tomcat, Jetty sends a close frame without blocking the caller, so a close needs no
	 * limit of its own; but it has no limit on the wait for the client's reply to it either, only
	 * the idle timeout, which is off (the reaper judges silence).
	 */
	@Override
	public void limitSends(WebSocketSession session, Duration limit) {
		Session jakarta = jakartaSession(session);
		if (jakarta instanceof JakartaWebSocketSession) {
			long millis = limit.toMillis();
			jakarta.getAsyncRemote().setSendTimeout(millis);
			BlockingSendTimeout.set(jakarta.getBasicRemote(), millis);
		}
	}

	@Override
	public boolean isConnectionClosed(WebSocketSession session) {
		CoreSession jetty = coreSession(session);
		return (jetty != null) ? jetty.isClosed() : !session.isOpen();
	}

	@Override
	public boolean abort(WebSocketSession session) {
		CoreSession jetty = coreSession(session);
		if (jetty == null) {
			return false;
		}
		jetty.abort();
		return true;
	}

	private static CoreSession coreSession(WebSocketSession session) {
		return (jakartaSession(session) instanceof JakartaWebSocketSession jetty) ? jetty.getCoreSession() : null;
	}

	private static Session jakartaSession(WebSocketSession session) {
		return (session instanceof NativeWebSocketSession nativeSession) ? nativeSession.getNativeSession(Session.class)
				: null;
	}

}

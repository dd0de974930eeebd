package io.wsheartbeat.tomcat;

import java.time.Duration;
import java.util.Map;

import jakarta.websocket.Session;
import org.apache.tomcat.websocket.Constants;
import org.apache.tomcat.websocket.WsSession;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.wsheartbeat.heartbeat.WebSocketConnections;

/**
 * What the heartbeat asks of a Tomcat session beyond Spring's API: send limits of its own, whether
 * its close handshake has finished, and (for the demo) a cut with no close frame.
 */
@Component
@ConditionalOnClass(name = "org.apache.tomcat.websocket.WsSession")
class TomcatConnections implements WebSocketConnections {

	/**
	 * Puts Tomcat's own waits under {@code limit}: a blocking send (20 s by default), the wait for
	 * the client's reply to our close frame (30 s), and the sending of a close frame with any code
	 * but 1000 (50 ms). Every close this server sends has such a code (1001, 1008, 4000, ...), and
	 * at 50 ms a busy server cuts a healthy client's connection before the frame is out: the client
	 * sees 1006 and cannot tell why it was closed.
	 */
	@Override
	public void limitSends(WebSocketSession session, Duration limit) {
		Session tomcat = nativeSession(session);
		if (tomcat != null) {
			Map<String, Object> userProperties = tomcat.getUserProperties();
			long millis = limit.toMillis();
			userProperties.put(Constants.BLOCKING_SEND_TIMEOUT_PROPERTY, millis);
			userProperties.put(Constants.SESSION_CLOSE_TIMEOUT_PROPERTY, millis);
			userProperties.put(Constants.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT_PROPERTY, millis);
		}
	}

	@Override
	public boolean isConnectionClosed(WebSocketSession session) {
		return (nativeSession(session) instanceof WsSession tomcat) ? tomcat.isClosed() : !session.isOpen();
	}

	@Override
	public boolean abort(WebSocketSession session) {
		return AbruptDisconnect.abort(nativeSession(session));
	}

	private static Session nativeSession(WebSocketSession session) {
		return (session instanceof NativeWebSocketSession nativeSession) ? nativeSession.getNativeSession(Session.class)
				: null;
	}

}

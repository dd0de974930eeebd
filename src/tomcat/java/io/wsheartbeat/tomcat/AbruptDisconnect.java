package io.wsheartbeat.tomcat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import jakarta.websocket.Session;

import org.springframework.util.ReflectionUtils;

/**
 * Cuts a session's TCP connection without a close frame, as a crashed server, a dead NAT entry
 * or a pulled cable would: the client sees 1006. For the demo's "drop my connection" fault only.
 *
 * <p>The WebSocket API has no abort (every close sends a close frame; Tomcat even rewrites 1006
 * into 1002), so this reaches into Tomcat: the session's remote endpoint owns the socket and its
 * public {@code close()} closes it.
 */
final class AbruptDisconnect {

	private static final Field REMOTE_ENDPOINT = remoteEndpointField();

	private AbruptDisconnect() {
	}

	/**
	 * Closes the connection under {@code session} with no close frame.
	 * @return {@code false} if the session is not one Tomcat made
	 */
	static boolean abort(Session container) {
		if (REMOTE_ENDPOINT == null || container == null
				|| !REMOTE_ENDPOINT.getDeclaringClass().isInstance(container)) {
			return false;
		}
		Object endpoint = ReflectionUtils.getField(REMOTE_ENDPOINT, container);
		Method close = (endpoint != null) ? ReflectionUtils.findMethod(endpoint.getClass(), "close") : null;
		if (close == null) {
			return false;
		}
		ReflectionUtils.invokeMethod(close, endpoint);
		return true;
	}

	private static Field remoteEndpointField() {
		try {
			Field field = Class.forName("org.apache.tomcat.websocket.WsSession").getDeclaredField("wsRemoteEndpoint");
			field.setAccessible(true);
			return field;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}

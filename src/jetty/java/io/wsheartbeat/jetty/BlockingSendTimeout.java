package io.wsheartbeat.jetty;

import java.lang.reflect.Field;

import jakarta.websocket.RemoteEndpoint;

import org.springframework.util.ReflectionUtils;

/**
 * The message timeout of a Jetty session's blocking remote endpoint. Jetty keeps it in a protected
 * field of the class both remote endpoints share, sets it on the async one when asked
 * ({@code RemoteEndpoint.Async.setSendTimeout}) and offers no way to set it on the blocking one,
 * which Spring sends through. Without it a blocking send to a client that has stopped reading
 * waits for ever.
 */
final class BlockingSendTimeout {

	private static final Field MESSAGE_WRITE_TIMEOUT = messageWriteTimeoutField();

	private BlockingSendTimeout() {
	}

	/** @return {@code false} if {@code remote} is not Jetty's, or Jetty changed */
	static boolean set(RemoteEndpoint.Basic remote, long millis) {
		if (MESSAGE_WRITE_TIMEOUT == null || !MESSAGE_WRITE_TIMEOUT.getDeclaringClass().isInstance(remote)) {
			return false;
		}
		ReflectionUtils.setField(MESSAGE_WRITE_TIMEOUT, remote, millis);
		return true;
	}

	private static Field messageWriteTimeoutField() {
		try {
			Field field = Class.forName("org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketRemoteEndpoint")
				.getDeclaredField("messageWriteTimeout");
			field.setAccessible(true);
			return field;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}

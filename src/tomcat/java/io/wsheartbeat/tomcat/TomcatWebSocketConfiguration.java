package io.wsheartbeat.tomcat;

import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * Sizes Tomcat for the heartbeat's sessions, from {@link HeartbeatProperties}: its WebSocket
 * message buffers and send limit, its connection count and its per-connection socket buffers. Its
 * WebSocket frame buffers are sized before it starts, by
 * {@code io.wsheartbeat.webserver.WebSocketBufferSize}. Everything here is Tomcat's; the heartbeat
 * itself asks only for {@link io.wsheartbeat.heartbeat.WebSocketConnections}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.apache.tomcat.websocket.WsSession")
class TomcatWebSocketConfiguration {

	// Room above heartbeat.max-sessions for page loads, API calls and the handshakes of clients
	// that are about to be told 1013: at maxConnections Tomcat stops accepting altogether, and
	// those clients would hang instead of hearing "try again later".
	private static final int CONNECTIONS_BEYOND_SESSIONS = 256;

	/**
	 * Tomcat allocates a text and a binary message buffer for every session when it opens, and
	 * keeps them while it is open, whether any message ever needs them or not. They are
	 * {@code heartbeat.connection-buffer-size} here, not {@code heartbeat.max-message-size}: the
	 * handler takes partial messages, so Tomcat hands over a larger text message in parts of the
	 * buffer's size, and the handler assembles them, enforcing the maximum, only while such a
	 * message is under way. Binary messages are refused at their first part. The session idle
	 * timeout stays off: the reaper judges silence.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer(HeartbeatProperties properties) {
		int bufferSize = (int) properties.connectionBufferSize().toBytes();
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(bufferSize);
		container.setMaxBinaryMessageBufferSize(bufferSize);
		container.setAsyncSendTimeout(properties.sendTimeLimit().toMillis());
		container.setMaxSessionIdleTimeout(0L);
		return container;
	}

	/**
	 * Tomcat keeps a read and a write buffer per connection for as long as it is open: 16KB per
	 * idle WebSocket with its defaults. They are sized by {@code heartbeat.connection-buffer-size};
	 * a smaller buffer only means more reads for large requests, and heartbeat frames are well
	 * under 256 bytes.
	 *
	 * <p>Static: the web server factory needs it before the rest of the context exists.
	 */
	@Bean
	static WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectionsForEverySession(
			HeartbeatProperties properties) {
		int needed = properties.maxSessions() + CONNECTIONS_BEYOND_SESSIONS;
		String bufferSize = String.valueOf(properties.connectionBufferSize().toBytes());
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol
					&& protocol.getMaxConnections() < needed) {
				protocol.setMaxConnections(needed);
			}
			connector.setProperty("socket.appReadBufSize", bufferSize);
			connector.setProperty("socket.appWriteBufSize", bufferSize);
		});
	}

}

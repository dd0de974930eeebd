package io.wsheartbeat.heartbeat;

import java.time.Clock;

import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Wires the heartbeat into the web server: the {@code /ws} endpoint, its origin check, and the
 * container limits that come from {@link HeartbeatProperties}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class HeartbeatWebSocketConfig implements WebSocketConfigurer {

	static final String ENDPOINT = "/ws";

	// Room above heartbeat.max-sessions for page loads, API calls and the handshakes of clients
	// that are about to be told 1013: at maxConnections Tomcat stops accepting altogether, and
	// those clients would hang instead of hearing "try again later".
	private static final int CONNECTIONS_BEYOND_SESSIONS = 256;

	private final HeartbeatProperties properties;

	private final HeartbeatHandler handler;

	HeartbeatWebSocketConfig(HeartbeatProperties properties, HeartbeatHandler handler) {
		this.properties = properties;
		this.handler = handler;
	}

	/**
	 * With no {@code heartbeat.allowed-origins} only same-origin pages may connect; any other
	 * origin gets 403. Never "*": any web page a user visits could then use their session.
	 */
	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, ENDPOINT)
			.setHandshakeHandler(handshakeHandler())
			.setAllowedOrigins(this.properties.allowedOrigins().toArray(String[]::new));
	}

	/** How {@code /ws} upgrades: sessions that keep no copy of their handshake's headers. */
	private static HandshakeHandler handshakeHandler() {
		return new DefaultHandshakeHandler(new HeadersLeftBehindUpgradeStrategy());
	}

	/**
	 * Tomcat closes a text message larger than its buffer with 1009, so the buffer is the message
	 * size limit. The session idle timeout stays off: the reaper judges silence.
	 */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer(HeartbeatProperties properties) {
		int maxMessageSize = (int) properties.maxMessageSize().toBytes();
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(maxMessageSize);
		container.setMaxBinaryMessageBufferSize(maxMessageSize);
		container.setAsyncSendTimeout(properties.sendTimeLimit().toMillis());
		container.setMaxSessionIdleTimeout(0L);
		return container;
	}

	/**
	 * Tomcat keeps a read and a write buffer per connection for as long as it is open: 16KB per
	 * idle WebSocket with its defaults, the most of what a session costs. They are sized by
	 * {@code heartbeat.connection-buffer-size}; a smaller buffer only means more reads for large
	 * requests, and heartbeat frames are well under 1KB.
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

	// The beans below are static: the web server factory needs them before this configuration,
	// with its handler, can be created.

	@Bean
	static MonotonicClock monotonicClock() {
		return MonotonicClock.system();
	}

	@Bean
	static Clock wallClock() {
		return Clock.systemUTC();
	}

}

package io.wsheartbeat.jetty;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * Sizes Jetty for the heartbeat's sessions, from {@link HeartbeatProperties}, as
 * {@code TomcatWebSocketConfiguration} sizes Tomcat: its WebSocket message limit and send limit,
 * no idle timeout, and its listen backlog. Its worker threads are set before it exists, by
 * {@code io.wsheartbeat.webserver.WorkerThreads}.
 *
 * <p>What Tomcat needs and Jetty does not. Tomcat stops accepting at {@code max-connections}
 * (8192 by default), so it is raised above {@code heartbeat.max-sessions}; Jetty has no such cap
 * unless {@code server.jetty.max-connections} sets one. Tomcat keeps its socket and frame buffers
 * for as long as a connection is open, so they are sized down to
 * {@code heartbeat.connection-buffer-size}; Jetty takes them from its buffer pool for each read
 * and write and gives them back.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession")
class JettyWebSocketConfiguration {

	// As server.tomcat.accept-count in application.properties, where the reason is: after a restart
	// every client reconnects at once, and a full backlog drops their SYNs. Jetty's default is 0,
	// which the JDK turns into 50, and Boot has no key for it.
	static final int ACCEPT_QUEUE = 4096;

	/**
	 * What Jakarta WebSocket calls a message buffer size is, on Jetty, the largest message it
	 * accepts: {@code heartbeat.max-message-size}, the same limit the handler enforces on the parts
	 * it assembles (Jetty hands a text message over frame by frame, as the handler asks). The
	 * async send timeout is also Jetty's limit on every message sent, blocking or not. The session
	 * idle timeout, 30 s on Jetty by default, is off: the reaper judges silence.
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

	/** Static: the web server factory needs it before the rest of the context exists. */
	@Bean
	static WebServerFactoryCustomizer<JettyServletWebServerFactory> listenBacklog() {
		return (factory) -> factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					serverConnector.setAcceptQueueSize(ACCEPT_QUEUE);
				}
			}
		});
	}

}

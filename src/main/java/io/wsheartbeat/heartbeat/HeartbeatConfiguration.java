package io.wsheartbeat.heartbeat;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.socket.server.HandshakeHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Puts the heartbeat on {@code /ws}, with its origin check, and gives it its clocks and its
 * schedule: the reaper's and the pinger's passes run on Boot's one scheduler thread.
 *
 * <p>{@code /ws} upgrades through {@link HeadersLeftBehindUpgradeStrategy}, on Tomcat and Jetty
 * alike: no compression and no copy of the handshake's headers per session. A
 * {@link HandshakeHandler} bean, where one exists, upgrades instead.
 *
 * <p>Whatever else a deployment does with the frames on {@code /ws} wraps the handler from outside,
 * as spring-websocket's own decorators do: each {@link WebSocketHandlerDecoratorFactory} bean
 * decorates it, in their order. The product has none, so nothing stands between the container
 * and the handler; the demo's simulated faults are one.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@EnableScheduling
class HeartbeatConfiguration implements WebSocketConfigurer {

	static final String ENDPOINT = "/ws";

	private final HeartbeatProperties properties;

	private final WebSocketHandler handler;

	private final HandshakeHandler handshakeHandler;

	// Whatever else must see the handshake (the warm-up marks its own sessions); none by default.
	private final HandshakeInterceptor[] interceptors;

	HeartbeatConfiguration(HeartbeatProperties properties, HeartbeatHandler handler,
			ObjectProvider<WebSocketHandlerDecoratorFactory> decorators, ObjectProvider<HandshakeHandler> handshakeHandler,
			ObjectProvider<HandshakeInterceptor> interceptors) {
		this.properties = properties;
		WebSocketHandler decorated = handler;
		for (WebSocketHandlerDecoratorFactory decorator : decorators.orderedStream().toList()) {
			decorated = decorator.decorate(decorated);
		}
		this.handler = decorated;
		this.handshakeHandler = handshakeHandler
			.getIfAvailable(() -> new DefaultHandshakeHandler(new HeadersLeftBehindUpgradeStrategy()));
		this.interceptors = interceptors.orderedStream().toArray(HandshakeInterceptor[]::new);
	}

	/**
	 * With no {@code heartbeat.allowed-origins} only same-origin pages may connect; any other
	 * origin gets 403. Never "*": any web page a user visits could then use their session.
	 */
	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, ENDPOINT)
			.setHandshakeHandler(this.handshakeHandler)
			.addInterceptors(this.interceptors)
			.setAllowedOrigins(this.properties.allowedOrigins().toArray(String[]::new));
	}

	@Bean
	static MonotonicClock monotonicClock() {
		return MonotonicClock.system();
	}

	@Bean
	static Clock wallClock() {
		return Clock.systemUTC();
	}

}

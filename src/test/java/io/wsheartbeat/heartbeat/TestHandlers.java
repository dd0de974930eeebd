package io.wsheartbeat.heartbeat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.socket.WebSocketHandler;

/**
 * The heartbeat's own {@code /ws} handler outside a Spring context, on a container the standard
 * API describes ({@link WebSocketConnections#PORTABLE}) and in no cluster: for unit tests of it,
 * and of what wraps it from outside (the demo's faults). Here rather than in {@code support}
 * because the handler is package-private.
 */
public final class TestHandlers {

	private TestHandlers() {
	}

	public static WebSocketHandler heartbeatHandler(HeartbeatProperties properties, MonotonicClock clock) {
		SessionRegistry registry = new SessionRegistry(properties);
		DefaultListableBeanFactory noBeans = new DefaultListableBeanFactory();
		return new HeartbeatHandler(properties, registry, JsonMapper.builder().build(), clock,
				Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
				new HeartbeatMetrics(new SimpleMeterRegistry(), registry),
				noBeans.getBeanProvider(WebSocketConnections.class), noBeans.getBeanProvider(ServerNode.class));
	}

}

package io.wsheartbeat.support;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.TrackedSession;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** Tracked sessions over mock connections, for unit tests. */
public final class Sessions {

	private Sessions() {
	}

	public static WebSocketSession connection(String id) {
		return connection(id, "127.0.0.1");
	}

	public static WebSocketSession connection(String id, String host) {
		WebSocketSession connection = mock(WebSocketSession.class);
		given(connection.getId()).willReturn(id);
		given(connection.isOpen()).willReturn(true);
		given(connection.getRemoteAddress()).willReturn(new InetSocketAddress(host, 40000));
		return connection;
	}

	public static TrackedSession tracked(WebSocketSession connection, ManualClock clock, HeartbeatProperties properties) {
		return new TrackedSession(new ConcurrentWebSocketSessionDecorator(connection, 1000, 1024),
				Instant.parse("2026-11-25T10:00:00Z").plusNanos(clock.nanoTime()), clock.nanoTime(),
				properties.serverTimeout());
	}

}

package io.wsheartbeat.heartbeat;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** Tracked sessions over mock connections, for unit tests. */
final class Sessions {

	private Sessions() {
	}

	static WebSocketSession connection(String id) {
		return connection(id, "127.0.0.1");
	}

	static WebSocketSession connection(String id, String host) {
		WebSocketSession connection = mock(WebSocketSession.class);
		given(connection.getId()).willReturn(id);
		given(connection.isOpen()).willReturn(true);
		given(connection.getRemoteAddress()).willReturn(new InetSocketAddress(host, 40000));
		return connection;
	}

	static TrackedSession tracked(WebSocketSession connection, ManualClock clock, HeartbeatProperties properties) {
		return new TrackedSession(new ConcurrentWebSocketSessionDecorator(connection, 1000, 1024),
				Instant.parse("2026-11-25T10:00:00Z"), clock.nanoTime(), properties.serverTimeout());
	}

}

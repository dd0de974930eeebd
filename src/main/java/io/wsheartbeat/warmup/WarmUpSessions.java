package io.wsheartbeat.warmup;

import java.net.InetSocketAddress;
import java.util.Map;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * Marks the sessions of the warm-up ({@link TrackedSession#WARM_UP}): those that arrive on the
 * loopback connector the warm-up opens for itself, before the server's own port is open. No
 * client can reach that connector afterwards: it is closed before the server's port opens.
 */
class WarmUpSessions implements HandshakeInterceptor {

	private static final int NONE = -1;

	private volatile int port = NONE;

	void open(int port) {
		this.port = port;
	}

	void closed() {
		this.port = NONE;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		int warmUpPort = this.port;
		if (warmUpPort != NONE) {
			InetSocketAddress local = request.getLocalAddress();
			if (local.getPort() == warmUpPort && local.getAddress().isLoopbackAddress()) {
				attributes.put(TrackedSession.WARM_UP, Boolean.TRUE);
			}
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}

package io.wsheartbeat.heartbeat;

import java.util.Map;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * A handshake that comes through a reverse proxy while this node drains is answered 503 with
 * {@code Retry-After}, before the upgrade: the proxy can pass it to another node
 * ({@code proxy_next_upstream http_503} in src/cluster/nginx.conf), and the client never learns
 * this node was asked. Without it, a client drained from here could be sent straight back, to be
 * closed a second time. A handshake straight from a client is upgraded and then closed with 1012
 * and the window to come back within ({@link SessionRegistry#turnedAway()}), which tells a
 * browser more than a failed handshake, whose close code is always 1006.
 *
 * <p>One volatile read per handshake while the node admits sessions. A {@link HandshakeInterceptor}
 * bean, so {@link HeartbeatConfiguration} puts it on {@code /ws} with the others, first: a
 * handshake it refuses needs nothing more done.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TurnAwayWhileDraining implements HandshakeInterceptor {

	private final SessionRegistry registry;

	private final ShutdownProperties shutdown;

	TurnAwayWhileDraining(SessionRegistry registry, ShutdownProperties shutdown) {
		this.registry = registry;
		this.shutdown = shutdown;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		if (this.registry.isAdmitting() || !cameThroughProxy(request)) {
			return true;
		}
		response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		response.getHeaders().set("Retry-After", String.valueOf(Math.max(1, this.shutdown.drain().toSeconds())));
		return false;
	}

	// Any of the forward headers: with server.forward-headers-strategy=native, Tomcat's RemoteIpValve
	// has taken X-Forwarded-For off the request by now (it made it the remote address), but leaves
	// X-Forwarded-Proto, which nginx.conf and reverse-proxy.md always send.
	private static boolean cameThroughProxy(ServerHttpRequest request) {
		return request.getHeaders().containsHeader("X-Forwarded-For")
				|| request.getHeaders().containsHeader("X-Forwarded-Proto") || request.getHeaders().containsHeader("Forwarded");
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}

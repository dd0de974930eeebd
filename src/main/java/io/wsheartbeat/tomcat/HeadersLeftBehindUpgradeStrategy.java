package io.wsheartbeat.tomcat;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.RequestUpgradeStrategy;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Upgrades to WebSocket as Spring does, but leaves the handshake's headers behind. Spring keeps a
 * copy of every request header in each session for as long as it is open
 * ({@code WebSocketSession.getHandshakeHeaders()}): hundreds of bytes of heap per session even
 * for a few short headers, and a browser sends a dozen or more, with its cookies and user agent. Nothing reads them after
 * the handshake: the origin check and Spring's validation of the upgrade see them all before this
 * runs, and the remote address comes from the connection. A handler that needs a header should
 * copy it into the session's attributes in a {@code HandshakeInterceptor}.
 */
final class HeadersLeftBehindUpgradeStrategy implements RequestUpgradeStrategy {

	private final StandardWebSocketUpgradeStrategy upgrade = new StandardWebSocketUpgradeStrategy();

	@Override
	public String[] getSupportedVersions() {
		return this.upgrade.getSupportedVersions();
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return this.upgrade.getSupportedExtensions(request);
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) {
		this.upgrade.upgrade(withoutHeaders(request), response, selectedProtocol, selectedExtensions, user, handler,
				attributes);
	}

	// Tomcat's upgrade reads the headers it needs from the servlet request itself; only the copy
	// Spring makes for the session comes from getHeaders().
	private static ServerHttpRequest withoutHeaders(ServerHttpRequest request) {
		if (!(request instanceof ServletServerHttpRequest servletRequest)) {
			return request;
		}
		return new ServletServerHttpRequest(servletRequest.getServletRequest()) {

			@Override
			public HttpHeaders getHeaders() {
				return HttpHeaders.EMPTY;
			}

		};
	}

}

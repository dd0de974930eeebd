package io.wsheartbeat.tomcat;

import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

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
 *
 * <p>It also offers no extension, so that no session is compressed. Every browser asks for
 * {@code permessage-deflate}, and Tomcat, which negotiates it from the request itself, would give
 * each such session a zlib deflater and inflater of its own, native memory held for as long as
 * it is open and several times what the rest of the session costs, to compress heartbeat frames
 * of under 100 bytes that deflate cannot make smaller.
 */
final class HeadersLeftBehindUpgradeStrategy implements RequestUpgradeStrategy {

	private final StandardWebSocketUpgradeStrategy upgrade = new StandardWebSocketUpgradeStrategy();

	@Override
	public String[] getSupportedVersions() {
		return this.upgrade.getSupportedVersions();
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return List.of();
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) {
		this.upgrade.upgrade(withoutHeaders(request), response, selectedProtocol, selectedExtensions, user, handler,
				attributes);
	}

	// Tomcat's upgrade reads the headers it needs from the servlet request itself, and negotiates
	// extensions from it too, so the request it sees asks for none; only the copy Spring makes for
	// the session comes from getHeaders().
	private static ServerHttpRequest withoutHeaders(ServerHttpRequest request) {
		if (!(request instanceof ServletServerHttpRequest servletRequest)) {
			return request;
		}
		return new ServletServerHttpRequest(new WithoutExtensions(servletRequest.getServletRequest())) {

			@Override
			public HttpHeaders getHeaders() {
				return HttpHeaders.EMPTY;
			}

		};
	}

	/** The handshake request as Tomcat sees it: asking for no extension. */
	private static final class WithoutExtensions extends HttpServletRequestWrapper {

		private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

		WithoutExtensions(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getHeader(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public Enumeration<String> getHeaders(String name) {
			return EXTENSIONS.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public Enumeration<String> getHeaderNames() {
			return Collections.enumeration(Collections.list(super.getHeaderNames())
				.stream()
				.filter((name) -> !EXTENSIONS.equalsIgnoreCase(name))
				.toList());
		}

	}

}

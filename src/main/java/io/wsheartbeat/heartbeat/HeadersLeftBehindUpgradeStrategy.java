package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Extension;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.ServerEndpointRegistration;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Upgrades to WebSocket as Spring does on any Jakarta WebSocket container (Tomcat and Jetty alike),
 * but leaves the handshake's headers behind. Spring keeps a copy of every request header in each
 * session for as long as it is open ({@code WebSocketSession.getHandshakeHeaders()}): hundreds of
 * bytes of heap per session even for a few short headers, and a browser sends a dozen or more, with
 * its cookies and user agent. Nothing reads them after the handshake: the origin check and Spring's
 * validation of the upgrade see them all before this runs, and the remote address comes from the
 * connection. A handler that needs a header should copy it into the session's attributes in a
 * {@code HandshakeInterceptor}.
 *
 * <p>It also negotiates no extension, so that no session is compressed. Every browser asks for
 * {@code permessage-deflate}, and the container would give each such session a zlib deflater and
 * inflater of its own, native memory held for as long as it is open and several times what the
 * rest of the session costs, to compress heartbeat frames of under 100 bytes that deflate cannot
 * make smaller. Both containers negotiate from the request themselves, not from what Spring
 * selected, and both ask the endpoint's configurator
 * ({@code ServerEndpointConfig.Configurator.getNegotiatedExtensions}) for the final word: so the
 * configurator here answers none.
 */
final class HeadersLeftBehindUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return List.of();
	}

	// Spring's own upgrade, less the copy of the headers and with a configurator that accepts no
	// extension: Spring creates its configurator inside upgrade(), so the whole of it is here.
	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		StandardWebSocketSession session = new StandardWebSocketSession(HttpHeaders.EMPTY, attributes,
				request.getLocalAddress(), request.getRemoteAddress(), user);
		HttpServletRequest servletRequest = getHttpServletRequest(request);
		ServerEndpointRegistration endpoint = new ServerEndpointRegistration(servletRequest.getRequestURI(),
				new StandardWebSocketHandlerAdapter(handler, session)) {

			@Override
			public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
				return List.of();
			}

		};
		endpoint.setSubprotocols((selectedProtocol != null) ? List.of(selectedProtocol) : List.of());
		try {
			getContainer(servletRequest).upgradeHttpToWebSocket(servletRequest, getHttpServletResponse(response),
					endpoint, Map.of());
		}
		catch (IOException | DeploymentException | RuntimeException ex) {
			throw new HandshakeFailureException(
					"Servlet request failed to upgrade to WebSocket: " + servletRequest.getRequestURL(), ex);
		}
	}

}

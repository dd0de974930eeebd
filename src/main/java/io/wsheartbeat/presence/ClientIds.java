package io.wsheartbeat.presence;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Takes the client's id from the handshake's {@code ?client=} into the session's attributes. An
 * id that is not {@link PresenceKey#CLIENT_ID_FORMAT} turns the handshake away with 400 and says
 * why, rather than filing the client under a key it did not ask for.
 */
class ClientIds implements HandshakeInterceptor {

	static final String PARAMETER = "client";

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) throws Exception {
		List<String> ids = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().get(PARAMETER);
		if (ids == null || ids.isEmpty()) {
			return true;
		}
		String id = ids.get(0);
		if (ids.size() > 1 || id == null || !PresenceKey.CLIENT_ID_FORMAT.matcher(id).matches()) {
			response.setStatusCode(HttpStatus.BAD_REQUEST);
			response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
			response.getBody()
				.write(("client must be one id of 1 to 64 letters, digits, '-' or '_'\n").getBytes(StandardCharsets.UTF_8));
			return false;
		}
		attributes.put(PresenceKey.CLIENT_ID, id);
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
	}

}

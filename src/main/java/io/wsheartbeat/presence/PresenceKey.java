package io.wsheartbeat.presence;

import java.security.Principal;
import java.util.regex.Pattern;

import org.springframework.web.socket.WebSocketSession;

/**
 * Whose a session is. The three kinds never collide, whatever a client claims:
 * {@code user:<name>} for the handshake's authenticated principal (Spring Security's user, for
 * free), else {@code client:<id>} for the id the page keeps in {@code localStorage} and sends as
 * {@code ?client=} (the client's own claim: for display, never for trust), else
 * {@code session:<id>}, a key of its own.
 */
final class PresenceKey {

	/** The session attribute {@link ClientIds} puts the client's id under. */
	static final String CLIENT_ID = "io.wsheartbeat.presence.client-id";

	/** What a client id may be: what {@code crypto.randomUUID()} makes, and any short token like it. */
	static final Pattern CLIENT_ID_FORMAT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private PresenceKey() {
	}

	static String of(WebSocketSession session) {
		Principal principal = session.getPrincipal();
		if (principal != null && principal.getName() != null && !principal.getName().isEmpty()) {
			return "user:" + principal.getName();
		}
		Object clientId = session.getAttributes().get(CLIENT_ID);
		if (clientId != null) {
			return "client:" + clientId;
		}
		return "session:" + session.getId();
	}

}

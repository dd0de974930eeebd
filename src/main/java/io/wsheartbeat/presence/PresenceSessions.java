package io.wsheartbeat.presence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.SessionListener;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * Feeds the book from the registry: each session as it opens and closes, under the key it had
 * when it opened. The server's own warm-up sessions are no one's presence.
 */
class PresenceSessions implements SessionListener {

	private final PresenceBook book;

	// The key each open session was filed under: a principal can change its name mid-session.
	private final Map<String, String> keys = new ConcurrentHashMap<>();

	PresenceSessions(PresenceBook book) {
		this.book = book;
	}

	@Override
	public void sessionOpened(TrackedSession session) {
		if (session.isWarmUp()) {
			return;
		}
		String key = PresenceKey.of(session.webSocketSession());
		this.keys.put(session.id(), key);
		this.book.opened(key, session.id());
	}

	@Override
	public void sessionClosed(TrackedSession session, CloseStatus status) {
		String key = this.keys.remove(session.id());
		if (key != null) {
			this.book.closed(key, session.id(), status.getCode(), (status.getReason() != null) ? status.getReason() : "");
		}
	}

}

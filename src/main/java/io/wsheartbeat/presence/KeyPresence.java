package io.wsheartbeat.presence;

import java.time.Instant;
import java.util.List;

/**
 * One key as the book knows it now.
 * @param since when it entered its state
 * @param reason why it did, as its event said
 * @param sequence its last event's: a watcher that read this skips the events up to it
 * @param sessions its open sessions, each with its node ({@code null} on a server of its own)
 */
public record KeyPresence(String key, PresenceState state, Instant since, String reason, long sequence,
		List<Session> sessions) {

	public record Session(String id, String node) {
	}

	/** A key the book does not hold: never seen, or offline longer than it keeps them. */
	static KeyPresence unknown(String key) {
		return new KeyPresence(key, PresenceState.OFFLINE, null, "unknown", 0, List.of());
	}

}

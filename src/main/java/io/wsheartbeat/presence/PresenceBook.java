package io.wsheartbeat.presence;

import java.util.Optional;

/**
 * Where presence is kept and its rules applied: in memory on a server of its own
 * ({@link LocalPresence}), in Redis in a cluster. Whatever it keeps, every transition it makes
 * goes to its {@link PresenceEvents}, once, in the order it made them.
 *
 * <p>{@link #opened} and {@link #closed} are called on the threads that open and close sessions:
 * quick, never blocking on I/O.
 */
public interface PresenceBook {

	/** A session with {@code key} opened on this node. */
	void opened(String key, String sessionId);

	/**
	 * A session with {@code key} on this node closed with {@code code}: {@code 1000} is the
	 * client's goodbye, any other close may be followed by a reconnect.
	 */
	void closed(String key, String sessionId, int code, String reason);

	/**
	 * A page of the keys, online and reconnecting ones and those offline within
	 * {@code heartbeat.presence.keep-offline}.
	 * @param after the key the page starts after, or {@code null} for the first page
	 */
	PresencePage page(String after, int limit);

	/** One key, if the book holds it. */
	Optional<KeyPresence> find(String key);

}

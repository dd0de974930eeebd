package io.wsheartbeat.heartbeat;

import org.springframework.web.socket.CloseStatus;

/**
 * Hears every session enter and leave the {@link SessionRegistry}, once each: what the server's
 * view remembers of closed sessions, and what a cluster node announces to the others, follow the
 * registry without the registry knowing either.
 *
 * <p>Called on the thread that added or removed the session (a container thread, the reaper's, or
 * shutdown's): an implementation must be quick and must not block.
 */
public interface SessionListener {

	/** The session was admitted and is now in the registry. */
	default void sessionOpened(TrackedSession session) {
	}

	/** The session left the registry for {@code status}: the first reason given, whoever gave it. */
	default void sessionClosed(TrackedSession session, CloseStatus status) {
	}

}

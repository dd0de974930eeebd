package io.wsheartbeat.heartbeat;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/**
 * Every open session, by id. A session enters when its connection opens and leaves exactly once,
 * by whichever comes first: the reaper, a close, or a transport error.
 *
 * <p>The number of sessions is capped at {@code heartbeat.max-sessions} so that a crowd of clients
 * meets a clear "try again later" instead of the process running out of file descriptors.
 */
@Component
public class SessionRegistry {

	private final Map<String, TrackedSession> sessions = new ConcurrentHashMap<>();

	// Counted apart from the map so that two clients racing for the last place cannot both win.
	private final AtomicInteger places = new AtomicInteger();

	private final int maxSessions;

	private final MonotonicClock clock;

	public SessionRegistry(HeartbeatProperties properties, MonotonicClock clock) {
		this.maxSessions = properties.maxSessions();
		this.clock = clock;
	}

	/**
	 * Adds a session unless the registry is full.
	 * @return {@code false} if {@code heartbeat.max-sessions} sessions are open already
	 */
	boolean add(TrackedSession session) {
		if (this.places.incrementAndGet() > this.maxSessions) {
			this.places.decrementAndGet();
			return false;
		}
		this.sessions.put(session.id(), session);
		return true;
	}

	/**
	 * Removes a session. Only the first caller for a given session gets it back, so whoever
	 * removes it owns the consequences (counting a reap, logging the close) exactly once.
	 */
	Optional<TrackedSession> remove(String id) {
		TrackedSession removed = this.sessions.remove(id);
		if (removed != null) {
			this.places.decrementAndGet();
		}
		return Optional.ofNullable(removed);
	}

	Optional<TrackedSession> find(String id) {
		return Optional.ofNullable(this.sessions.get(id));
	}

	/** A live view: sessions added or removed while it is iterated may or may not appear. */
	Collection<TrackedSession> sessions() {
		return this.sessions.values();
	}

	public int size() {
		return this.sessions.size();
	}

	/** Every open session as it is now, oldest first. */
	public List<SessionSnapshot> snapshot() {
		long now = this.clock.nanoTime();
		return this.sessions.values().stream()
			.map((session) -> session.snapshot(now))
			.sorted(Comparator.comparing(SessionSnapshot::connectedAt).thenComparing(SessionSnapshot::id))
			.toList();
	}

}

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
 * meets a clear "try again later" instead of the process running out of file descriptors, and at
 * {@code heartbeat.max-sessions-per-address} for each remote address, so that one host (a runaway
 * script, a reconnect loop gone wrong) cannot take every place from everyone else.
 */
@Component
public class SessionRegistry {

	private final Map<String, TrackedSession> sessions = new ConcurrentHashMap<>();

	// Counted apart from the map so that two clients racing for the last place cannot both win.
	private final AtomicInteger places = new AtomicInteger();

	// Sessions per remote host. An address leaves the map when its last session does, so the map
	// never outgrows the sessions themselves.
	private final Map<String, Integer> placesByAddress = new ConcurrentHashMap<>();

	private final int maxSessions;

	private final int maxSessionsPerAddress;

	private final MonotonicClock clock;

	/** Whether a session was let in, and if not, which limit kept it out. */
	enum Admission {

		ADMITTED, SERVER_FULL, ADDRESS_FULL

	}

	public SessionRegistry(HeartbeatProperties properties, MonotonicClock clock) {
		this.maxSessions = properties.maxSessions();
		this.maxSessionsPerAddress = properties.maxSessionsPerAddress();
		this.clock = clock;
	}

	/**
	 * Adds a session unless the registry, or the session's remote address, is full.
	 * @return {@link Admission#SERVER_FULL} if {@code heartbeat.max-sessions} sessions are open
	 * already, {@link Admission#ADDRESS_FULL} if {@code heartbeat.max-sessions-per-address} are
	 * open from the session's remote host
	 */
	Admission add(TrackedSession session) {
		if (!takePlaceFor(session.remoteHost())) {
			return Admission.ADDRESS_FULL;
		}
		if (this.places.incrementAndGet() > this.maxSessions) {
			this.places.decrementAndGet();
			freePlaceOf(session.remoteHost());
			return Admission.SERVER_FULL;
		}
		this.sessions.put(session.id(), session);
		return Admission.ADMITTED;
	}

	// compute() runs atomically per key, so two connections from one host racing for its last
	// place cannot both win.
	private boolean takePlaceFor(String host) {
		boolean[] taken = { false };
		this.placesByAddress.compute(host, (key, count) -> {
			int now = (count != null) ? count : 0;
			if (now >= this.maxSessionsPerAddress) {
				return count;
			}
			taken[0] = true;
			return now + 1;
		});
		return taken[0];
	}

	private void freePlaceOf(String host) {
		this.placesByAddress.computeIfPresent(host, (key, count) -> (count > 1) ? count - 1 : null);
	}

	/**
	 * Removes a session. Only the first caller for a given session gets it back, so whoever
	 * removes it owns the consequences (counting a reap, logging the close) exactly once.
	 */
	Optional<TrackedSession> remove(String id) {
		TrackedSession removed = this.sessions.remove(id);
		if (removed != null) {
			this.places.decrementAndGet();
			freePlaceOf(removed.remoteHost());
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

	/** How many sessions are open from this remote host. */
	int sessionsFrom(String host) {
		return this.placesByAddress.getOrDefault(host, 0);
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

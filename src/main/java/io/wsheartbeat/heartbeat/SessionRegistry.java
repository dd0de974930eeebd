package io.wsheartbeat.heartbeat;

import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

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

	// Ids of the sessions the reaper has yet to place in its timetable: new ones, and ones whose
	// deadline came nearer. Drained by each reaper pass; ids, so that a session closed meanwhile
	// is not kept until then.
	private final Queue<String> toSchedule = new ConcurrentLinkedQueue<>();

	// Counted apart from the map so that two clients racing for the last place cannot both win.
	private final AtomicInteger places = new AtomicInteger();

	// Newest first; bounded by heartbeat.view.max-closed and aged out after heartbeat.view.keep-closed.
	private final Deque<ClosedSession> recentlyClosed = new ConcurrentLinkedDeque<>();

	// Sessions per remote host. An address leaves the map when its last session does, so the map
	// never outgrows the sessions themselves.
	private final Map<String, Integer> placesByAddress = new ConcurrentHashMap<>();

	private final int maxSessions;

	private final int maxSessionsPerAddress;

	private final HeartbeatProperties.View view;

	private final MonotonicClock clock;

	private final Clock wallClock;

	/** Whether a session was let in, and if not, which limit kept it out. */
	enum Admission {

		ADMITTED, SERVER_FULL, ADDRESS_FULL

	}

	public SessionRegistry(HeartbeatProperties properties, MonotonicClock clock, Clock wallClock) {
		this.maxSessions = properties.maxSessions();
		this.maxSessionsPerAddress = properties.maxSessionsPerAddress();
		this.view = properties.view();
		this.clock = clock;
		this.wallClock = wallClock;
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
		this.toSchedule.add(session.id());
		return Admission.ADMITTED;
	}

	/**
	 * Tells the reaper that a session's deadline came nearer than when it last looked (the client
	 * declared a shorter interval), so that it looks again before the new deadline.
	 */
	void deadlineCameNearer(TrackedSession session) {
		this.toSchedule.add(session.id());
	}

	/**
	 * Hands the reaper each session added, or whose deadline came nearer, since it last asked, and
	 * still open.
	 */
	void drainToSchedule(Consumer<TrackedSession> reaper) {
		String id;
		while ((id = this.toSchedule.poll()) != null) {
			find(id).ifPresent(reaper);
		}
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
	 * Removes a session, for the reason given. Only the first caller for a given session gets it
	 * back, so whoever removes it owns the consequences (counting a reap, logging the close)
	 * exactly once, and the view remembers the first reason.
	 */
	Optional<TrackedSession> remove(String id, CloseStatus why) {
		TrackedSession removed = this.sessions.remove(id);
		if (removed != null) {
			this.places.decrementAndGet();
			freePlaceOf(removed.remoteHost());
			remember(removed, why);
		}
		return Optional.ofNullable(removed);
	}

	private void remember(TrackedSession session, CloseStatus why) {
		if (this.view.maxClosed() == 0) {
			return;
		}
		long now = this.clock.nanoTime();
		this.recentlyClosed.addFirst(new ClosedSession(session.snapshot(now), why.getCode(),
				(why.getReason() != null) ? why.getReason() : "", this.wallClock.instant(), now));
		while (this.recentlyClosed.size() > this.view.maxClosed()) {
			this.recentlyClosed.pollLast();
		}
	}

	/**
	 * Closes the given sessions at once, as a restarting server would.
	 * @return how many of them were open
	 */
	public int closeAll(Collection<String> ids, CloseStatus status) {
		int closed = 0;
		for (String id : ids) {
			Optional<TrackedSession> session = remove(id, status);
			if (session.isPresent()) {
				session.get().close(status);
				closed++;
			}
		}
		return closed;
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
		return snapshot(this.clock.nanoTime());
	}

	/** Open sessions and those closed within {@code heartbeat.view.keep-closed}. */
	public SessionsView view() {
		long now = this.clock.nanoTime();
		long keepNanos = this.view.keepClosed().toNanos();
		this.recentlyClosed.removeIf((closed) -> now - closed.closedAtNanos() > keepNanos);
		return new SessionsView(this.wallClock.instant(), snapshot(now), List.copyOf(this.recentlyClosed));
	}

	private List<SessionSnapshot> snapshot(long now) {
		return this.sessions.values().stream()
			.map((session) -> session.snapshot(now))
			.sorted(Comparator.comparing(SessionSnapshot::connectedAt).thenComparing(SessionSnapshot::id))
			.toList();
	}

}

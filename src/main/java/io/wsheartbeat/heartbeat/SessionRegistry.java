package io.wsheartbeat.heartbeat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * Every open session, by id. A session enters when its connection opens and leaves exactly once,
 * by whichever comes first: the reaper, a close, a transport error, or shutdown. Each entry and
 * each leave is told to the {@link SessionListener}s.
 *
 * <p>The number of sessions is capped at {@code heartbeat.max-sessions} so that a crowd of clients
 * meets a clear "try again later" instead of the process running out of file descriptors, and at
 * {@code heartbeat.max-sessions-per-address} for each remote address, so that one host (a runaway
 * script, a reconnect loop gone wrong) cannot take every place from everyone else. Once shutdown
 * has begun it admits no one.
 */
@Component
public class SessionRegistry implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(SessionRegistry.class);

	private final Map<String, TrackedSession> sessions = new ConcurrentHashMap<>();

	// Ids of the sessions the reaper has yet to place in its timetable: new ones, and ones whose
	// deadline came nearer. Drained by each reaper pass; ids, so that a session closed meanwhile
	// is not kept until then.
	private final Queue<String> toSchedule = new ConcurrentLinkedQueue<>();

	// Counted apart from the map so that two clients racing for the last place cannot both win.
	private final AtomicInteger places = new AtomicInteger();

	// Sessions per remote host. An address leaves the map when its last session does, so the map
	// never outgrows the sessions themselves. A counter, not a count recomputed under the map's lock:
	// after a restart most clients may come from a few addresses (a NAT, a proxy, a load balancer),
	// and compute() on those few keys serialised every handshake on one bin lock.
	private final Map<String, AtomicInteger> placesByAddress = new ConcurrentHashMap<>();

	// What a counter holds once its address has left the map: whoever finds it retries with a new one.
	private static final int RETIRED = -1;

	private final int maxSessions;

	private final int maxSessionsPerAddress;

	private final ObjectProvider<SessionListener> listenerBeans;

	// Set once the listener beans exist: a listener (the server's view) may itself read the
	// registry, so they cannot be asked for while the registry is being made. No session arrives
	// before then: the web server starts after every singleton.
	private List<SessionListener> listeners = List.of();

	private volatile boolean admitting = true;

	// What a session that arrives once admission has stopped is closed with.
	private volatile CloseStatus turnedAway = CloseCodes.SHUTTING_DOWN;

	/** Whether a session was let in, and if not, why not. */
	enum Admission {

		ADMITTED, SERVER_FULL, ADDRESS_FULL, SHUTTING_DOWN

	}

	@Autowired
	SessionRegistry(HeartbeatProperties properties, ObjectProvider<SessionListener> listeners) {
		this.maxSessions = properties.maxSessions();
		this.maxSessionsPerAddress = properties.maxSessionsPerAddress();
		this.listenerBeans = listeners;
	}

	/** A registry of its own, outside a Spring context, telling {@code listeners}. */
	public SessionRegistry(HeartbeatProperties properties, SessionListener... listeners) {
		this.maxSessions = properties.maxSessions();
		this.maxSessionsPerAddress = properties.maxSessionsPerAddress();
		this.listenerBeans = null;
		this.listeners = List.of(listeners);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.listenerBeans != null) {
			this.listeners = this.listenerBeans.orderedStream().toList();
		}
	}

	/**
	 * Adds a session unless shutdown has begun, or the registry, or the session's remote address,
	 * is full.
	 * @return {@link Admission#SERVER_FULL} if {@code heartbeat.max-sessions} sessions are open
	 * already, {@link Admission#ADDRESS_FULL} if {@code heartbeat.max-sessions-per-address} are
	 * open from the session's remote host, {@link Admission#SHUTTING_DOWN} after
	 * {@link #closeAllForShutdown()}
	 */
	Admission add(TrackedSession session) {
		if (!this.admitting) {
			return Admission.SHUTTING_DOWN;
		}
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
		if (!session.isWarmUp()) {
			tell((listener) -> listener.sessionOpened(session));
		}
		// Shutdown may have begun since the check above, and closeAllForShutdown then iterated the
		// sessions before this one was among them: the caller closes it, as shutdown would have.
		if (!this.admitting) {
			remove(session.id(), this.turnedAway);
			return Admission.SHUTTING_DOWN;
		}
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

	// Lock-free: a compare-and-set on the address's counter, so two connections from one host
	// racing for its last place cannot both win, and none waits for another's handshake.
	private boolean takePlaceFor(String host) {
		while (true) {
			AtomicInteger count = this.placesByAddress.get(host);
			if (count == null) {
				count = this.placesByAddress.computeIfAbsent(host, (key) -> new AtomicInteger());
			}
			int now = count.get();
			if (now == RETIRED) {
				this.placesByAddress.remove(host, count); // help the one that retired it, then retry
				continue;
			}
			if (now >= this.maxSessionsPerAddress) {
				return false;
			}
			if (count.compareAndSet(now, now + 1)) {
				return true;
			}
		}
	}

	// The address leaves the map at zero: its counter is retired first, so that a session taking a
	// place at the same moment cannot count itself in a counter no longer in the map.
	private void freePlaceOf(String host) {
		AtomicInteger count = this.placesByAddress.get(host);
		if (count != null && count.decrementAndGet() == 0 && count.compareAndSet(0, RETIRED)) {
			this.placesByAddress.remove(host, count);
		}
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
			if (!removed.isWarmUp()) {
				tell((listener) -> listener.sessionClosed(removed, why));
			}
		}
		return Optional.ofNullable(removed);
	}

	/**
	 * Closes every session with 1001 and admits no one from now on: the server is going away.
	 * @return the sessions it closed
	 */
	List<TrackedSession> closeAllForShutdown() {
		this.admitting = false;
		List<TrackedSession> closed = new ArrayList<>();
		for (TrackedSession session : this.sessions.values()) {
			if (remove(session.id(), CloseCodes.SHUTTING_DOWN).isPresent()) {
				session.close(CloseCodes.SHUTTING_DOWN);
				closed.add(session);
			}
		}
		return closed;
	}

	/**
	 * Admits no one from now on: a session that arrives is closed with {@code turnedAway}
	 * ({@link #turnedAway()}). The sessions already open stay open, for a drain to close.
	 */
	void stopAdmitting(CloseStatus turnedAway) {
		this.turnedAway = turnedAway;
		this.admitting = false;
	}

	/** What a session that arrives after {@link #stopAdmitting} is closed with. */
	CloseStatus turnedAway() {
		return this.turnedAway;
	}

	boolean isAdmitting() {
		return this.admitting;
	}

	/**
	 * Admits sessions again, also after {@link #closeAllForShutdown()}: a context can be stopped
	 * and started again (Spring's test framework pauses cached contexts that way).
	 */
	void admitSessions() {
		this.admitting = true;
	}

	// A listener that throws must not leave the registry half-updated, nor keep the others from hearing.
	private void tell(Consumer<SessionListener> event) {
		for (SessionListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Session listener {} failed", listener, ex);
			}
		}
	}

	Optional<TrackedSession> find(String id) {
		return Optional.ofNullable(this.sessions.get(id));
	}

	/** A live view: sessions added or removed while it is iterated may or may not appear. */
	public Collection<TrackedSession> sessions() {
		return this.sessions.values();
	}

	/** How many sessions are open from this remote host. */
	int sessionsFrom(String host) {
		AtomicInteger count = this.placesByAddress.get(host);
		return (count != null) ? Math.max(0, count.get()) : 0;
	}

	/** How many remote hosts have sessions open; an address leaves when its last session does. */
	int addresses() {
		return this.placesByAddress.size();
	}

	public int size() {
		return this.sessions.size();
	}

}

package io.wsheartbeat.presence;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import io.wsheartbeat.heartbeat.MonotonicClock;

/**
 * The book of a server on its own, in memory. One lock orders every transition: a session's
 * open or close holds it for a map update and an event handed on, never for I/O. Keys are kept in
 * key order, so a page is a range of the map.
 *
 * <p>The grace runs out at {@link #expire()}, which {@link PresenceConfiguration} calls a few
 * times a second; a test calls it after moving its clock.
 */
class LocalPresence implements PresenceBook {

	private final PresenceEvents events;

	private final MonotonicClock clock;

	private final Clock wallClock;

	private final long graceNanos;

	private final long keepOfflineNanos;

	private final String node;

	private final ReentrantLock lock = new ReentrantLock();

	private final TreeMap<String, Entry> keys = new TreeMap<>();

	// The keys with a deadline, reconnecting ones (the grace) and offline ones (how long they
	// stay listed): a sweep looks at these only, not at every online key.
	private final Set<String> timed = new LinkedHashSet<>();

	private long sequence;

	private final long[] counts = new long[PresenceState.values().length];

	private static final class Entry {

		final Set<String> sessions = new LinkedHashSet<>();

		PresenceState state;

		Instant since;

		String reason;

		long sequence;

		long deadlineNanos;

	}

	LocalPresence(PresenceEvents events, PresenceProperties settings, MonotonicClock clock, Clock wallClock,
			String node) {
		this.events = events;
		this.clock = clock;
		this.wallClock = wallClock;
		this.graceNanos = settings.grace().toNanos();
		this.keepOfflineNanos = settings.keepOffline().toNanos();
		this.node = node;
	}

	@Override
	public void opened(String key, String sessionId) {
		this.lock.lock();
		try {
			Entry entry = this.keys.computeIfAbsent(key, (k) -> new Entry());
			entry.sessions.add(sessionId);
			if (entry.state != PresenceState.ONLINE) {
				this.timed.remove(key);
				move(key, entry, PresenceState.ONLINE,
						(entry.state == PresenceState.RECONNECTING) ? Transitions.RECONNECTED : Transitions.CONNECTED);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void closed(String key, String sessionId, int code, String reason) {
		this.lock.lock();
		try {
			Entry entry = this.keys.get(key);
			if (entry == null || !entry.sessions.remove(sessionId) || !entry.sessions.isEmpty()) {
				return;
			}
			if (Transitions.isGoodbye(code) || this.graceNanos == 0) {
				goOffline(key, entry, Transitions.isGoodbye(code) ? Transitions.DISCONNECTED : Transitions.GRACE_RAN_OUT);
			}
			else {
				entry.deadlineNanos = this.clock.nanoTime() + this.graceNanos;
				this.timed.add(key);
				move(key, entry, PresenceState.RECONNECTING, Transitions.closed(code, reason));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Keys whose grace ran out go offline; offline keys kept long enough are forgotten. */
	void expire() {
		long now = this.clock.nanoTime();
		this.lock.lock();
		try {
			for (var it = this.timed.iterator(); it.hasNext();) {
				String key = it.next();
				Entry entry = this.keys.get(key);
				if (now - entry.deadlineNanos < 0) {
					continue;
				}
				if (entry.state == PresenceState.RECONNECTING) {
					it.remove();
					goOffline(key, entry, Transitions.GRACE_RAN_OUT);
				}
				else {
					it.remove();
					this.keys.remove(key);
					this.counts[entry.state.ordinal()]--;
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void goOffline(String key, Entry entry, String reason) {
		move(key, entry, PresenceState.OFFLINE, reason);
		if (this.keepOfflineNanos == 0) {
			this.keys.remove(key);
			this.counts[PresenceState.OFFLINE.ordinal()]--;
			return;
		}
		entry.deadlineNanos = this.clock.nanoTime() + this.keepOfflineNanos;
		this.timed.add(key);
	}

	private void move(String key, Entry entry, PresenceState state, String reason) {
		if (entry.state != null) {
			this.counts[entry.state.ordinal()]--;
		}
		this.counts[state.ordinal()]++;
		entry.state = state;
		entry.since = this.wallClock.instant();
		entry.reason = reason;
		entry.sequence = ++this.sequence;
		this.events.publish(new PresenceEvent(entry.sequence, key, state, reason, entry.since, counts()));
	}

	@Override
	public PresencePage page(String after, int limit) {
		this.lock.lock();
		try {
			Map<String, Entry> from = (after != null) ? this.keys.tailMap(after, false) : this.keys;
			List<KeyPresence> page = new ArrayList<>(Math.min(limit, from.size()));
			String next = null;
			for (Map.Entry<String, Entry> entry : from.entrySet()) {
				if (page.size() == limit) {
					next = page.get(page.size() - 1).key();
					break;
				}
				page.add(presence(entry.getKey(), entry.getValue()));
			}
			return new PresencePage(counts(), page, next);
		}
		finally {
			this.lock.unlock();
		}
	}

	private PresencePage.Counts counts() {
		return new PresencePage.Counts(this.counts[PresenceState.ONLINE.ordinal()],
				this.counts[PresenceState.RECONNECTING.ordinal()], this.counts[PresenceState.OFFLINE.ordinal()]);
	}

	@Override
	public Optional<KeyPresence> find(String key) {
		this.lock.lock();
		try {
			Entry entry = this.keys.get(key);
			return (entry != null) ? Optional.of(presence(key, entry)) : Optional.empty();
		}
		finally {
			this.lock.unlock();
		}
	}

	private KeyPresence presence(String key, Entry entry) {
		return new KeyPresence(key, entry.state, entry.since, entry.reason, entry.sequence,
				entry.sessions.stream().map((id) -> new KeyPresence.Session(id, this.node)).toList());
	}

}

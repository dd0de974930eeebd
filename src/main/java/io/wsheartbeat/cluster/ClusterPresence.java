package io.wsheartbeat.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsheartbeat.cluster.ClusterScripts.KeyCount;
import io.wsheartbeat.cluster.PresenceStore.Answer;
import io.wsheartbeat.cluster.PresenceStore.Event;
import io.wsheartbeat.cluster.PresenceStore.Record;
import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.presence.KeyPresence;
import io.wsheartbeat.presence.PresenceBook;
import io.wsheartbeat.presence.PresenceEvent;
import io.wsheartbeat.presence.PresenceEvents;
import io.wsheartbeat.presence.PresencePage;
import io.wsheartbeat.presence.PresenceState;
import io.wsheartbeat.presence.PresenceUnavailableException;
import io.wsheartbeat.presence.Transitions;

/**
 * The cluster's book, in Redis ({@link PresenceStore}), by the same rules as a server's own: a key
 * is online while any live node holds a session of it, reconnecting for the grace after its last
 * one closed without a goodbye or its node was lost, then offline.
 *
 * <p>This node keeps its own keys only: which of its sessions each has, and how the last one
 * closed. {@link #opened} and {@link #closed} change that under a lock and mark the key to be
 * written; nothing else. The membership thread ({@link #flush}), every flush period while keys
 * are marked and every renew period when none is, sends the marked keys as they are now (never
 * what changed: a call whose answer was lost is sent again, whole, and does no harm) and reads
 * the events since the last it read. Events reach this node's {@link PresenceEvents} only that
 * way, its own transitions too, so that every node hands its watchers the one order Redis gave.
 * After this node registers again (its lease was lost, or Redis came back empty) it sends every
 * key it holds.
 */
final class ClusterPresence implements PresenceBook {

	private static final Logger logger = LoggerFactory.getLogger(ClusterPresence.class);

	// Script calls per pass at most, as the announcements' batches: a burst drains over a few passes.
	private static final int CALLS_PER_PASS = 20;

	private final PresenceStore store;

	private final PresenceEvents events;

	private final ClusterState state;

	private final String node;

	private final MonotonicClock clock;

	private final long idleNanos;

	// Touches of the keys' expiry between calls that wrote nothing: a quarter of their time to live.
	private final long callsPerTouch;

	private final ReentrantLock lock = new ReentrantLock();

	private final Map<String, Held> held = new LinkedHashMap<>();

	// The keys to send, in the order they changed.
	private final Set<String> marked = new LinkedHashSet<>();

	// The membership thread's only, below.

	private String sentFor;

	private long lastSeen = -1;

	private long lastCallNanos;

	private long idleCalls;

	private boolean behind;

	private boolean gapLogged;

	// Calls the store answered: a test waits on them rather than on time.
	private volatile long calls;

	private static final class Held {

		final Set<String> sessions = new LinkedHashSet<>();

		String reason = "";

		boolean goodbye;

	}

	ClusterPresence(PresenceStore store, PresenceEvents events, ClusterState state, String node, MonotonicClock clock,
			ClusterProperties cluster) {
		this.store = store;
		this.events = events;
		this.state = state;
		this.node = node;
		this.clock = clock;
		this.idleNanos = cluster.renewPeriod().toNanos();
		this.callsPerTouch = Math.max(1, cluster.keyTtl().toMillis() / (4 * cluster.renewPeriod().toMillis()));
		this.lastCallNanos = clock.nanoTime() - this.idleNanos;
	}

	@Override
	public void opened(String key, String sessionId) {
		this.lock.lock();
		try {
			this.held.computeIfAbsent(key, (k) -> new Held()).sessions.add(sessionId);
			this.marked.add(key);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void closed(String key, String sessionId, int code, String reason) {
		this.lock.lock();
		try {
			Held keyHeld = this.held.get(key);
			if (keyHeld == null || !keyHeld.sessions.remove(sessionId)) {
				return;
			}
			keyHeld.reason = Transitions.closed(code, reason);
			keyHeld.goodbye = Transitions.isGoodbye(code);
			this.marked.add(key);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The membership thread, after the registration's pass: sends what changed and reads the
	 * events, if anything changed, the last call read a full answer, or a renew period passed.
	 * Throws where Redis cannot be reached; the keys it was sending stay marked.
	 * @param incarnation the one that holds this node's lease, or {@code null} while none does:
	 * then nothing is sent (the store would refuse it), and the other nodes do the chores
	 */
	void flush(String incarnation) {
		if (incarnation == null) {
			return;
		}
		if (!incarnation.equals(this.sentFor)) {
			// A new lease: the store holds none of this node's keys under it.
			this.lock.lock();
			try {
				this.marked.addAll(this.held.keySet());
			}
			finally {
				this.lock.unlock();
			}
			this.sentFor = incarnation;
		}
		long now = this.clock.nanoTime();
		// The first call only reads where the events stand: its own would otherwise be skipped.
		boolean due = this.lastSeen < 0 || this.behind || now - this.lastCallNanos >= this.idleNanos;
		for (int call = 0; call < CALLS_PER_PASS; call++) {
			List<KeyCount> batch = (this.lastSeen < 0) ? List.of() : take();
			if (batch.isEmpty() && !due) {
				return;
			}
			due = false;
			boolean touch = batch.isEmpty() && this.idleCalls++ % this.callsPerTouch == 0;
			Answer answer;
			try {
				answer = this.store.write(this.node, incarnation, this.lastSeen, touch, batch);
			}
			catch (RuntimeException ex) {
				putBack(batch);
				throw ex;
			}
			this.lastCallNanos = now;
			this.calls++;
			if (answer.accepted()) {
				sent(batch);
			}
			else {
				// Not this incarnation's lease: the renewal finds out, and this node registers
				// again and sends every key.
				putBack(batch);
			}
			publish(answer);
			this.behind = answer.more();
			if (!answer.accepted() || (!this.behind && isQuiet())) {
				return;
			}
		}
	}

	private List<KeyCount> take() {
		this.lock.lock();
		try {
			List<KeyCount> batch = new ArrayList<>(Math.min(PresenceStore.BATCH, this.marked.size()));
			for (Iterator<String> keys = this.marked.iterator(); keys.hasNext() && batch.size() < PresenceStore.BATCH;) {
				String key = keys.next();
				keys.remove();
				Held keyHeld = this.held.get(key);
				int open = (keyHeld != null) ? keyHeld.sessions.size() : 0;
				List<String> ids = (keyHeld != null)
						? keyHeld.sessions.stream().limit(PresenceStore.IDS).toList() : List.of();
				batch.add(new KeyCount(key, open, ids, (open == 0 && keyHeld != null) ? keyHeld.reason : null,
						open == 0 && keyHeld != null && keyHeld.goodbye));
			}
			return batch;
		}
		finally {
			this.lock.unlock();
		}
	}

	// The store took them: a key left with no session here is forgotten, unless it changed since.
	private void sent(List<KeyCount> batch) {
		this.lock.lock();
		try {
			for (KeyCount count : batch) {
				Held keyHeld = this.held.get(count.k());
				if (keyHeld != null && keyHeld.sessions.isEmpty() && !this.marked.contains(count.k())) {
					this.held.remove(count.k());
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private void putBack(List<KeyCount> batch) {
		this.lock.lock();
		try {
			batch.forEach((count) -> this.marked.add(count.k()));
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Calls the store answered so far. */
	long calls() {
		return this.calls;
	}

	/** Whether no key waits to be sent. */
	boolean isQuiet() {
		this.lock.lock();
		try {
			return this.marked.isEmpty();
		}
		finally {
			this.lock.unlock();
		}
	}

	// In the stream's order, which is the sequence's: every node publishes the same events in it.
	private void publish(Answer answer) {
		if (this.lastSeen < 0) {
			this.lastSeen = answer.seq();
			return;
		}
		for (Event event : answer.events()) {
			if (event.seq() <= this.lastSeen) {
				continue;
			}
			if (event.seq() != this.lastSeen + 1) {
				this.events.gap();
			}
			if (event.seq() != this.lastSeen + 1 && !this.gapLogged) {
				this.gapLogged = true;
				logger.info("Node {} missed presence events {} to {} (it was away longer than the stream keeps them, "
						+ "or Redis came back empty): its watchers were told to read presence again; logged once",
						this.node, this.lastSeen + 1, event.seq() - 1);
			}
			this.lastSeen = event.seq();
			this.events.publish(new PresenceEvent(event.seq(), event.key(), state(event.state()), event.reason(),
					Instant.ofEpochMilli(event.at()), event.bookCounts()));
		}
		if (!answer.more()) {
			// Every event up to it was in the answer; past a Redis that came back empty, the
			// sequence goes on from the highest a node had read.
			this.lastSeen = Math.max(this.lastSeen, answer.seq());
		}
	}

	@Override
	public PresencePage page(String after, int limit) {
		try {
			// One more than asked: whether there is a next page.
			List<String> keys = this.store.keysAfter(after, limit + 1);
			List<String> shown = keys.subList(0, Math.min(limit, keys.size()));
			List<Record> records = this.store.records(shown);
			List<KeyPresence> page = new ArrayList<>(shown.size());
			for (int i = 0; i < shown.size(); i++) {
				if (records.get(i) != null) {
					page.add(presence(shown.get(i), records.get(i)));
				}
			}
			String next = (keys.size() > limit) ? shown.get(shown.size() - 1) : null;
			PresencePage.Counts counts = this.store.counts();
			this.state.reached();
			return new PresencePage(counts, page, next);
		}
		catch (RuntimeException ex) {
			throw unavailable(ex);
		}
	}

	@Override
	public Optional<KeyPresence> find(String key) {
		try {
			Record record = this.store.record(key);
			this.state.reached();
			return (record != null) ? Optional.of(presence(key, record)) : Optional.empty();
		}
		catch (RuntimeException ex) {
			throw unavailable(ex);
		}
	}

	// One judgement of Redis for presence, the views and health, as ClusterSessions does.
	private PresenceUnavailableException unavailable(RuntimeException ex) {
		this.state.failed(ex);
		return new PresenceUnavailableException("presence is kept in Redis, which cannot be reached (" + ex + ")", ex);
	}

	private static KeyPresence presence(String key, Record record) {
		List<KeyPresence.Session> sessions = new ArrayList<>();
		new TreeMap<>(record.nodes()).forEach((node, held) -> {
			if (held != null && held.ids() != null) {
				held.ids().forEach((id) -> sessions.add(new KeyPresence.Session(id, node)));
			}
		});
		return new KeyPresence(key, state(record.state()), Instant.ofEpochMilli(record.since()), record.reason(),
				record.seq(), sessions);
	}

	private static PresenceState state(String name) {
		return PresenceState.valueOf(name.toUpperCase(Locale.ROOT));
	}

}

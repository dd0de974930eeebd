package io.wsheartbeat.cluster;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsheartbeat.cluster.Announcements.Batch;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.MonotonicClock;

/**
 * This node's registration in the store: the incarnation that holds its lease, and the sessions
 * written under it. {@link #pass()} registers when no lease is held, and otherwise writes the
 * sessions opened and closed since, in batches. A failed write is sent again, whole, at the next
 * pass; the node registers again only when the store says its lease is gone ({@link #lost}).
 *
 * <p>The membership thread only, but for {@link #incarnation()} and {@link #lost}, which the
 * lease thread calls.
 */
final class Registration {

	private static final Logger logger = LoggerFactory.getLogger(Registration.class);

	// Batches per pass at most: a burst (a restart storm) drains over a few passes.
	private static final int BATCHES_PER_PASS = 20;

	private static final SecureRandom INCARNATIONS = new SecureRandom();

	private final ThisNode self;

	private final LocalSessions sessions;

	private final ClusterStore store;

	private final ClusterState state;

	private final ClusterMetrics metrics;

	private final MonotonicClock clock;

	private final long retryNanos;

	private final long leaseMillis;

	private final Announcements announcements;

	// The incarnation that holds this node's lease, or null while it holds none.
	private final AtomicReference<String> incarnation = new AtomicReference<>();

	// The incarnation being registered: kept until granted, so that a registration whose answer
	// was lost is sent again as the same one, and may safely have run twice.
	private String registering;

	private long nextRegistrationNanos;

	private boolean idTakenLogged;

	Registration(ThisNode self, LocalSessions sessions, SessionChanges changes, int capacity, ClusterStore store,
			ClusterState state, ClusterMetrics metrics, MonotonicClock clock, long retryNanos, long leaseMillis) {
		this.self = self;
		this.sessions = sessions;
		this.store = store;
		this.state = state;
		this.metrics = metrics;
		this.clock = clock;
		this.retryNanos = retryNanos;
		this.leaseMillis = leaseMillis;
		this.announcements = new Announcements(changes, capacity);
		this.nextRegistrationNanos = clock.nanoTime();
	}

	/** The incarnation that holds the lease, or {@code null}. */
	String incarnation() {
		return this.incarnation.get();
	}

	/** The store said the lease of {@code inc} is gone: the next pass registers again. */
	boolean lost(String inc) {
		return this.incarnation.compareAndSet(inc, null);
	}

	void pass() {
		if (this.incarnation.get() == null) {
			if (this.clock.nanoTime() - this.nextRegistrationNanos >= 0) {
				register();
			}
			return;
		}
		this.announcements.take();
		if (this.announcements.replaceNeeded()) {
			replace();
		}
		for (int i = 0; i < BATCHES_PER_PASS && !this.announcements.isEmpty(); i++) {
			if (!announce(this.announcements.next())) {
				return;
			}
		}
	}

	private void register() {
		if (this.registering == null) {
			this.registering = HexFormat.of().toHexDigits(INCARNATIONS.nextLong());
		}
		// Tried again a renew period later whatever the outcome, not every pass.
		this.nextRegistrationNanos = this.clock.nanoTime() + this.retryNanos;
		this.announcements.clear();
		Map<String, Announced> held = this.sessions.announced();
		LeaseAnswer answer = this.store.register(this.self.id(), this.registering, this.self.address(),
				this.self.started().toEpochMilli(), held);
		this.state.answered(answer, this.leaseMillis, held.size());
		this.metrics.judged(answer);
		if (!answer.granted()) {
			idTaken(answer.holder());
			return;
		}
		this.state.outOfCluster(null);
		this.incarnation.set(this.registering);
		this.registering = null;
		this.idTakenLogged = false;
		this.metrics.registered();
		logger.info("Node {} joined the cluster at {} with {} session(s)", this.self, this.self.address(), held.size());
	}

	private void idTaken(NodeEntry holder) {
		this.state.outOfCluster("node id " + this.self.id() + " is held by another live process at "
				+ ((holder != null) ? holder.address() : "an unknown address"));
		if (!this.idTakenLogged) {
			this.idTakenLogged = true;
			logger.error("Node id '{}' is held by another live process (at {}, started {}): this node does not join the cluster "
					+ "and never touches that node's sessions. Give each process its own heartbeat.cluster.node-id, or none. "
					+ "It tries again every {} ms, and joins once that lease runs out.", this.self,
					(holder != null) ? holder.address() : "?",
					(holder != null) ? Instant.ofEpochMilli(holder.started()) : "?",
					this.retryNanos / 1_000_000);
		}
	}

	// The changes waiting were lost (the queue overflowed): every session this node holds, in
	// place of what it wrote, within the same incarnation.
	private void replace() {
		String inc = this.incarnation.get();
		this.announcements.clear();
		Map<String, Announced> held = this.sessions.announced();
		List<Opened> opened = held.entrySet()
			.stream()
			.map((e) -> new Opened(e.getKey(), e.getValue().remoteAddress(), e.getValue().connectedAt()))
			.toList();
		if (!this.store.announce(this.self.id(), inc, held.size(), true, opened, List.of())) {
			gone(inc);
		}
	}

	private boolean announce(Batch batch) {
		String inc = this.incarnation.get();
		if (this.store.announce(this.self.id(), inc, this.sessions.count(), false, batch.opened(), batch.closed())) {
			this.announcements.sent(batch);
			this.state.reached();
			return true;
		}
		gone(inc);
		return false;
	}

	// Its entry is gone or not its own: it registers again, with every session it holds, which
	// covers what it was writing too.
	private void gone(String inc) {
		if (lost(inc)) {
			logger.warn("Node {} found its entry gone from Redis: it registers again", this.self);
		}
	}

	/** Writes the last changes and takes this node out of the store, if it holds a lease. */
	void leave() {
		String inc = this.incarnation.getAndSet(null);
		if (inc == null) {
			return;
		}
		this.announcements.take();
		for (int i = 0; i < BATCHES_PER_PASS && !this.announcements.isEmpty(); i++) {
			Batch batch = this.announcements.next();
			this.store.announce(this.self.id(), inc, this.sessions.count(), false, batch.opened(), batch.closed());
			this.announcements.sent(batch);
		}
		if (this.store.leave(this.self.id(), inc)) {
			logger.info("Node {} left the cluster", this.self);
		}
	}

}

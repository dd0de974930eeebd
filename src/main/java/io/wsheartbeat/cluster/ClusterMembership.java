package io.wsheartbeat.cluster;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.wsheartbeat.cluster.Announcements.Batch;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * This node's part in the cluster, on two threads of its own, each with its own connection:
 *
 * <ul>
 * <li>{@code cluster-lease} renews this node's lease every {@code heartbeat.cluster.renew-period}
 * and does nothing else, so that no read or write of sessions ever stands in front of it;
 * <li>{@code cluster-1}, every {@code heartbeat.cluster.flush-period}, registers this node when
 * it holds no lease, and otherwise writes the sessions opened and closed here since, in batches.
 * </ul>
 *
 * <p>A heartbeat costs Redis nothing: this node's reaper judges its sessions in memory, and only
 * their opening and closing is written. A command that fails costs a retry of what it carried,
 * nothing more: the node registers again only when the store says its lease is gone (it was
 * frozen past it, or Redis came back empty), and then with every session it holds, rather than
 * close them: they are open, their clients may be well. A failure here never reaches a session.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterMembership implements SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClusterMembership.class);

	// Batches per pass at most: a burst (a restart storm) drains over a few passes.
	private static final int BATCHES_PER_PASS = 20;

	private static final SecureRandom INCARNATIONS = new SecureRandom();

	private final HeartbeatProperties.Cluster settings;

	private final ThisNode self;

	private final SessionRegistry registry;

	private final ClusterStore store;

	private final ClusterState state;

	private final ClusterMetrics metrics;

	private final MonotonicClock clock;

	private final Announcements announcements;

	private final ScheduledExecutorService leaseThread;

	private final ScheduledExecutorService thread;

	// The incarnation that holds this node's lease, or null while it holds none.
	private final AtomicReference<String> incarnation = new AtomicReference<>();

	private volatile boolean running;

	// ---- Below: the membership thread only.

	// The incarnation being registered: kept until granted, so that a registration whose answer
	// was lost is sent again as the same one, and may safely have run twice.
	private String registering;

	private long nextRegistrationNanos;

	private boolean idTakenLogged;

	ClusterMembership(HeartbeatProperties properties, ThisNode self, SessionRegistry registry,
			SessionChanges changes, ClusterStore store, ClusterState state, ClusterMetrics metrics,
			MonotonicClock clock) {
		this.settings = properties.cluster();
		this.self = self;
		this.registry = registry;
		this.store = store;
		this.state = state;
		this.metrics = metrics;
		this.clock = clock;
		this.announcements = new Announcements(changes, Math.max(1024, 2 * properties.maxSessions()));
		this.leaseThread = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("cluster-lease-"));
		this.thread = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("cluster-"));
	}

	@Override
	public void start() {
		this.running = true;
		this.nextRegistrationNanos = this.clock.nanoTime();
		this.thread.scheduleWithFixedDelay(this::pass, 0, this.settings.flushPeriod().toNanos(), TimeUnit.NANOSECONDS);
		long renew = this.settings.renewPeriod().toNanos();
		this.leaseThread.scheduleAtFixedRate(this::renew, renew, renew, TimeUnit.NANOSECONDS);
	}

	/**
	 * Writes the last closes (shutdown closed every session just before) and leaves the cluster,
	 * so that the other nodes drop this one at once rather than when its lease runs out.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.leaseThread.shutdownNow();
		// After the pass under way, if any; the passes to come are cancelled by the shutdown.
		Future<?> left = this.thread.submit(this::leave);
		this.thread.shutdown();
		try {
			left.get(3 * this.settings.renewPeriod().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.info("Could not leave the cluster cleanly ({}): the other nodes will drop node {} when its lease runs out",
					ex.toString(), this.self);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Starts after the web server (its port is this node's address) and stops after
	 * {@code SessionShutdown} has closed every session, so that their closes are written.
	 */
	@Override
	public int getPhase() {
		return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;
	}

	@Override
	public void destroy() {
		this.leaseThread.shutdownNow();
		this.thread.shutdownNow();
		this.store.close();
	}

	/** The lease thread: renews, and hears from the store whether the lease is still this node's. */
	void renew() {
		String inc = this.incarnation.get();
		if (inc == null) {
			return; // the membership thread registers
		}
		int sessions = this.registry.size();
		try {
			LeaseAnswer answer = this.store.renew(this.self.id(), inc, sessions);
			this.state.answered(answer, this.settings.lease().toMillis(), sessions);
			this.metrics.judged(answer);
			if (!answer.granted()) {
				this.metrics.leaseRenewalFailed();
				if (this.incarnation.compareAndSet(inc, null)) {
					logger.warn("Node {} lost its lease (frozen past it, or Redis came back without it): it registers again with its {} open session(s)",
							this.self, sessions);
				}
			}
		}
		catch (RuntimeException ex) {
			this.metrics.leaseRenewalFailed();
			this.state.failed(ex);
		}
	}

	/** The membership thread: registers where no lease is held, else writes what changed. */
	void pass() {
		try {
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
				announce(this.announcements.next());
			}
		}
		catch (RuntimeException ex) {
			this.state.failed(ex);
		}
	}

	private void register() {
		if (this.registering == null) {
			this.registering = HexFormat.of().toHexDigits(INCARNATIONS.nextLong());
		}
		// Tried again a renew period later whatever the outcome, not every flush.
		this.nextRegistrationNanos = this.clock.nanoTime() + this.settings.renewPeriod().toNanos();
		this.announcements.clear();
		Map<String, Announced> sessions = ownSessions();
		LeaseAnswer answer = this.store.register(this.self.id(), this.registering, this.self.address(),
				this.self.started().toEpochMilli(), sessions);
		this.state.answered(answer, this.settings.lease().toMillis(), sessions.size());
		this.metrics.judged(answer);
		if (!answer.granted()) {
			idTaken(answer.holder());
			return;
		}
		this.incarnation.set(this.registering);
		this.registering = null;
		this.idTakenLogged = false;
		this.metrics.registered();
		logger.info("Node {} joined the cluster at {} with {} session(s)", this.self, this.self.address(),
				sessions.size());
	}

	private void idTaken(NodeEntry holder) {
		if (!this.idTakenLogged) {
			this.idTakenLogged = true;
			logger.error("Node id '{}' is held by another live process (at {}, started {}): this node does not join the cluster "
					+ "and never touches that node's sessions. Give each process its own heartbeat.cluster.node-id, or none. "
					+ "It tries again every {}, and joins if that lease runs out.",
					this.self, (holder != null) ? holder.address() : "?",
					(holder != null) ? Instant.ofEpochMilli(holder.started()) : "?",
					this.settings.renewPeriod());
		}
	}

	// The changes waiting were lost (the queue overflowed): every session this node holds, in
	// place of what it wrote, within the same incarnation.
	private void replace() {
		String inc = this.incarnation.get();
		this.announcements.clear();
		Map<String, Announced> sessions = ownSessions();
		List<Opened> opened = sessions.entrySet()
			.stream()
			.map((e) -> new Opened(e.getKey(), e.getValue().remoteAddress(), e.getValue().connectedAt()))
			.toList();
		if (!this.store.announce(this.self.id(), inc, sessions.size(), true, opened, List.of())) {
			this.incarnation.compareAndSet(inc, null);
		}
	}

	private void announce(Batch batch) {
		String inc = this.incarnation.get();
		if (this.store.announce(this.self.id(), inc, this.registry.size(), false, batch.opened(), batch.closed())) {
			this.announcements.sent(batch);
			this.state.reached();
		}
		else if (this.incarnation.compareAndSet(inc, null)) {
			// Its entry is gone or not its own: it registers again, with every session it holds,
			// which covers this batch too.
			logger.warn("Node {} found its entry gone from Redis: it registers again", this.self);
		}
	}

	private Map<String, Announced> ownSessions() {
		Map<String, Announced> sessions = new LinkedHashMap<>();
		for (TrackedSession session : this.registry.sessions()) {
			sessions.put(session.id(), new Announced(session.remoteAddress(), session.connectedAt()));
		}
		return sessions;
	}

	private void leave() {
		String inc = this.incarnation.getAndSet(null);
		try {
			if (inc != null) {
				this.announcements.take();
				for (int i = 0; i < BATCHES_PER_PASS && !this.announcements.isEmpty(); i++) {
					Batch batch = this.announcements.next();
					this.store.announce(this.self.id(), inc, this.registry.size(), false, batch.opened(), batch.closed());
					this.announcements.sent(batch);
				}
				if (this.store.leave(this.self.id(), inc)) {
					logger.info("Node {} left the cluster", this.self);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.info("Could not leave the cluster cleanly ({}): the other nodes will drop node {} when its lease runs out",
					ex.toString(), this.self);
		}
		finally {
			this.store.close();
		}
	}

}

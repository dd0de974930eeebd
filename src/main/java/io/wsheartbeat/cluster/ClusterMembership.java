package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;

/**
 * This node's part in the cluster, on two threads of its own, each with its own connection:
 *
 * <ul>
 * <li>{@code cluster-lease} renews this node's lease every {@code heartbeat.cluster.renew-period}
 * and does nothing else, so that no read or write of sessions ever stands in front of it;
 * <li>{@code cluster-1}, every {@code heartbeat.cluster.flush-period}, registers this node when
 * it holds no lease, and otherwise writes the sessions opened and closed here since
 * ({@link Registration}).
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

	private final ClusterProperties settings;

	private final ThisNode self;

	private final LocalSessions sessions;

	private final ClusterStore store;

	private final ClusterState state;

	private final ClusterMetrics metrics;

	private final Registration registration;

	private final ScheduledExecutorService leaseThread;

	private final ScheduledExecutorService thread;

	private final MonotonicClock clock;

	private volatile boolean running;

	// Presence in Redis, when it is on: its writes ride on this thread's passes, after the
	// registration's, so they go out under the lease the registration holds.
	private volatile ClusterPresence presence;

	// When the lease was last renewed, or 0 while it is held by no renewal yet. The lease thread only.
	private long lastRenewalNanos;

	ClusterMembership(HeartbeatProperties properties, ClusterProperties settings, ThisNode self, LocalSessions sessions, SessionChanges changes,
			ClusterStore store, ClusterState state, ClusterMetrics metrics, MonotonicClock clock) {
		this.settings = settings;
		this.self = self;
		this.sessions = sessions;
		this.store = store;
		this.state = state;
		this.metrics = metrics;
		this.clock = clock;
		this.registration = new Registration(self, sessions, changes, Math.max(1024, 2 * properties.maxSessions()),
				store, state, metrics, clock, this.settings.renewPeriod().toNanos(), this.settings.lease().toMillis());
		this.leaseThread = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("cluster-lease-"));
		this.thread = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("cluster-"));
	}

	/** Presence's writes and reads of events, at every pass from now on. */
	void presence(ClusterPresence presence) {
		this.presence = presence;
	}

	@Override
	public void start() {
		this.running = true;
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
		String inc = this.registration.incarnation();
		if (inc == null) {
			return; // the membership thread registers
		}
		int held = this.sessions.count();
		try {
			LeaseAnswer answer = this.store.renew(this.self.id(), inc, held);
			this.state.answered(answer, this.settings.lease().toMillis(), held);
			this.metrics.judged(answer);
			if (answer.granted()) {
				long now = this.clock.nanoTime();
				if (this.lastRenewalNanos != 0) {
					this.metrics.leaseRenewed(Duration.ofNanos(now - this.lastRenewalNanos));
				}
				this.lastRenewalNanos = now;
			}
			else {
				this.lastRenewalNanos = 0;
				this.metrics.leaseRenewalFailed();
				if (this.registration.lost(inc)) {
					logger.warn("Node {} lost its lease (frozen past it, or Redis came back without it): it registers again with its {} open session(s)",
							this.self, held);
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
			this.registration.pass();
			ClusterPresence book = this.presence;
			if (book != null) {
				book.flush(this.registration.incarnation());
			}
		}
		catch (RuntimeException ex) {
			this.state.failed(ex);
		}
	}

	private void leave() {
		try {
			// The keys' last closes (shutdown closed every session just before), while the lease
			// is still held: they begin their grace as closed, not as a lost node's.
			ClusterPresence book = this.presence;
			if (book != null) {
				try {
					book.flush(this.registration.incarnation());
				}
				catch (RuntimeException ex) {
					logger.info("Could not write this node's last presence changes ({}): its keys go reconnecting as a lost node's",
							ex.toString());
				}
			}
			this.registration.leave();
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

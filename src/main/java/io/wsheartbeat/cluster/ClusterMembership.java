package io.wsheartbeat.cluster;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

import io.wsheartbeat.cluster.ClusterConfiguration.RedisTimeout;
import io.wsheartbeat.cluster.Peers.Gone;
import io.wsheartbeat.cluster.SessionChanges.Change;
import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;
import io.wsheartbeat.sessions.ServerView;

/**
 * This node's part in the cluster, on one thread of its own ({@code cluster-1}), the only one
 * that talks to Redis. Every {@code heartbeat.cluster.flush-period} it:
 *
 * <ol>
 * <li>applies what the other nodes announced (their notices arrive on Lettuce's thread, which
 * only queues them);
 * <li>every {@code heartbeat.cluster.renew-period}, renews this node's lease, and with it
 * removes the nodes whose lease ran out;
 * <li>announces the sessions opened and closed here since the last time, in one batch.
 * </ol>
 *
 * <p>A heartbeat costs Redis nothing: this node's reaper judges its sessions in memory, and only
 * their opening and closing is announced. When this node's lease is lost (it was frozen past it,
 * or Redis restarted empty) or Redis was out of reach, it registers again with every session it
 * holds, rather than close them: they are open, their clients may be well, and this node's own
 * reaper is still the judge of them; closing them would cut clients off for a fault that was not
 * theirs. A failure here never reaches a session: the worst it does is leave the other nodes'
 * sessions out of the view until Redis answers again.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterMembership implements SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClusterMembership.class);

	// Changes per announcement: one script call, and one notice, stay small.
	private static final int BATCH = 1000;

	// Announcements per pass at most: a burst (a restart storm) drains over a few passes.
	private static final int BATCHES_PER_PASS = 20;

	// Notices from other nodes waiting for this thread; past it they are dropped, and every
	// other node is read whole instead.
	private static final int MAX_NOTICES = 10_000;

	// Ids of the sessions whose close this thread took from the queue lately. A session's close
	// can reach the queue just before its open (the two are told on different threads); the open
	// is then recognised and dropped, rather than announce a session that is gone.
	private static final int REMEMBERED_CLOSES = 4096;

	private final HeartbeatProperties.Cluster settings;

	private final ThisNode self;

	private final SessionRegistry registry;

	private final SessionChanges changes;

	private final Peers peers;

	private final ServerView view;

	private final MonotonicClock clock;

	private final Clock wallClock;

	private final JsonMapper jsonMapper;

	private final ClusterStore store;

	private final ClusterMetrics metrics;

	private final Queue<String> notices = new ConcurrentLinkedQueue<>();

	private final AtomicInteger noticesWaiting = new AtomicInteger();

	private final AtomicBoolean noticesDropped = new AtomicBoolean();

	private final ScheduledExecutorService thread = Executors
		.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("cluster-"));

	private volatile ScheduledFuture<?> passes;

	private volatile boolean running;

	// ---- Below: the cluster's thread only.

	private boolean registered;

	private boolean recovering;

	private boolean outage;

	private long incarnation;

	private long version;

	// When the lease is next to be renewed. Past it, a pass that fails counts as a failed
	// renewal, once: the next one is due a renew period later, however often passes retry.
	private long nextRenewalNanos;

	private final Map<String, Opened> toOpen = new LinkedHashMap<>();

	private final Map<String, Closed> toClose = new LinkedHashMap<>();

	private final Set<String> closedLately = new LinkedHashSet<>();

	ClusterMembership(HeartbeatProperties properties, ThisNode self, SessionRegistry registry, SessionChanges changes,
			Peers peers, ServerView view, MonotonicClock clock, Clock wallClock, JsonMapper jsonMapper,
			LettuceConnectionFactory connectionFactory, RedisTimeout timeout, ClusterMetrics metrics) {
		this.settings = properties.cluster();
		this.self = self;
		this.registry = registry;
		this.changes = changes;
		this.peers = peers;
		this.view = view;
		this.clock = clock;
		this.wallClock = wallClock;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.store = new ClusterStore(connectionFactory, jsonMapper, timeout.value(), this.settings.keyPrefix(),
				metrics::redisCommandSent);
		this.nextRenewalNanos = clock.nanoTime();
	}

	@Override
	public void start() {
		this.running = true;
		long period = this.settings.flushPeriod().toNanos();
		this.passes = this.thread.scheduleWithFixedDelay(this::pass, 0, period, TimeUnit.NANOSECONDS);
	}

	/**
	 * Announces the last closes (shutdown closed every session just before) and leaves the
	 * cluster, so that the other nodes drop this one at once rather than when its lease runs out;
	 * then closes its connections, before the Redis client itself is shut down.
	 */
	@Override
	public void stop() {
		this.running = false;
		ScheduledFuture<?> scheduled = this.passes;
		if (scheduled != null) {
			scheduled.cancel(false);
		}
		try {
			this.thread.submit(() -> {
				leave();
				this.store.close();
			}).get(3 * this.settings.renewPeriod().toMillis() + 1000, TimeUnit.MILLISECONDS);
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
	 * {@code SessionShutdown} has closed every session, so that their closes are announced.
	 */
	@Override
	public int getPhase() {
		return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 512;
	}

	@Override
	public void destroy() {
		this.thread.shutdownNow();
		try {
			this.thread.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.store.close();
	}

	/** Called on Lettuce's I/O thread: only hands the notice over. */
	private void noticeArrived(String notice) {
		if (this.noticesWaiting.incrementAndGet() > MAX_NOTICES) {
			this.noticesWaiting.decrementAndGet();
			this.noticesDropped.set(true);
			return;
		}
		this.notices.add(notice);
	}

	private void pass() {
		try {
			this.store.connect();
			this.store.subscribe(this::noticeArrived);
			List<Gone> gone = new ArrayList<>();
			applyNotices(gone);
			if (this.changes.takeOverflow()) {
				this.registered = false;
			}
			if (this.registered && this.clock.nanoTime() - this.nextRenewalNanos >= 0) {
				renew(gone);
			}
			if (!this.registered) {
				register();
				renew(gone);
			}
			if (this.registered) {
				announce();
			}
			tellView(gone);
			if (this.outage) {
				this.outage = false;
				logger.info("Redis can be reached again: node {} sees the whole cluster", this.self);
			}
		}
		catch (RuntimeException ex) {
			if (this.clock.nanoTime() - this.nextRenewalNanos >= 0) {
				renewalFailed();
			}
			unreachable(ex);
		}
	}

	private void applyNotices(List<Gone> gone) {
		Set<String> toRead = new LinkedHashSet<>();
		if (this.noticesDropped.getAndSet(false)) {
			toRead.addAll(this.peers.known());
		}
		String raw;
		for (int i = 0; i < MAX_NOTICES && (raw = this.notices.poll()) != null; i++) {
			this.noticesWaiting.decrementAndGet();
			Notice notice;
			try {
				notice = this.jsonMapper.readValue(raw, Notice.class);
			}
			catch (JacksonException ex) {
				logger.debug("Ignored a notice that is not one: {}", raw, ex);
				continue;
			}
			if (notice.node() == null || notice.type() == null) {
				continue;
			}
			if (notice.node().equals(this.self.id())) {
				if (Notice.LOST.equals(notice.type()) && notice.inc() == this.incarnation && this.registered) {
					// Another node found this one's lease run out (it was frozen past it): a failed
					// renewal, heard of before this node's own renewal could find it.
					renewalFailed();
					this.registered = false;
				}
				continue;
			}
			switch (notice.type()) {
				case Notice.REGISTERED -> toRead.add(notice.node());
				case Notice.CHANGES -> {
					if (!toRead.contains(notice.node()) && !this.peers.apply(notice, gone)) {
						toRead.add(notice.node());
					}
				}
				case Notice.LOST -> this.peers.lost(notice.node(), notice.inc(), gone);
				case Notice.LEFT -> this.peers.left(notice.node(), notice.inc(), gone);
				default -> logger.debug("Ignored a notice of an unknown type: {}", raw);
			}
		}
		for (String node : toRead) {
			read(node, gone);
		}
	}

	private void read(String node, List<Gone> gone) {
		ClusterStore.NodeRead read = this.store.read(node);
		if (read.entry() != null) {
			this.peers.replace(node, read.entry(), read.sessions(), gone);
		}
	}

	/**
	 * Registers this node anew with every session it holds. The changes waiting are dropped
	 * first: the registry, read after, already holds what they say.
	 */
	private void register() {
		this.changes.clear();
		this.toOpen.clear();
		this.toClose.clear();
		Map<String, Announced> sessions = new LinkedHashMap<>();
		for (TrackedSession session : this.registry.sessions()) {
			sessions.put(session.id(), new Announced(session.remoteAddress(), session.connectedAt()));
		}
		boolean again = this.incarnation != 0;
		this.incarnation = Math.max(this.incarnation + 1, this.wallClock.millis());
		this.version = 0;
		NodeEntry entry = new NodeEntry(this.incarnation, 0, 0, sessions.size(), this.self.address(),
				this.self.started().toEpochMilli());
		this.store.register(this.self.id(), entry, sessions, this.settings.lease(),
				Notice.registered(this.self.id(), this.incarnation));
		this.registered = true;
		if (again) {
			logger.warn("Node {} registered again with its {} open session(s): its lease was lost, or Redis was out of reach",
					this.self, sessions.size());
		}
		else {
			logger.info("Node {} joined the cluster at {} with {} session(s)", this.self, this.self.address(),
					sessions.size());
		}
	}

	private void renew(List<Gone> gone) {
		Renewal renewal = this.store.renew(this.self.id(), this.incarnation, this.settings.lease());
		this.nextRenewalNanos = this.clock.nanoTime() + this.settings.renewPeriod().toNanos();
		renewal.lost().forEach((node, entry) -> {
			if (!node.equals(this.self.id())) {
				logger.warn("Node {} lost: its lease ran out {} ms ago; node {} removed it and its {} session(s) from the cluster",
						node, renewal.now() - entry.lease(), this.self, entry.sessions());
				this.peers.lost(node, entry.inc(), gone);
			}
		});
		if (!renewal.renewed()) {
			this.metrics.leaseRenewalFailed();
			this.registered = false;
			return;
		}
		this.peers.reachable(renewal.nodes().get(this.self.id()).lease());
		List<String> toRead = this.peers.reconcile(renewal.now(), renewal.nodes(), this.recovering, gone);
		this.recovering = false;
		for (String node : toRead) {
			read(node, gone);
		}
	}

	/** Announces the changes waiting, in batches, each one version further. */
	private void announce() {
		takeChanges();
		for (int batch = 0; batch < BATCHES_PER_PASS && (!this.toOpen.isEmpty() || !this.toClose.isEmpty()); batch++) {
			List<Opened> opened = take(this.toOpen, BATCH);
			List<Closed> closed = take(this.toClose, BATCH - opened.size());
			Notice notice = Notice.changes(this.self.id(), this.incarnation, this.version + 1, opened, closed);
			if (!this.store.announce(this.self.id(), this.incarnation, this.version, this.registry.size(), opened,
					closed, notice)) {
				// Its entry is gone or not its own: registers again on the next pass, with every
				// session it holds, which covers this batch too.
				this.registered = false;
				return;
			}
			this.version++;
		}
	}

	private void takeChanges() {
		Change change;
		for (int i = 0; i < BATCH * BATCHES_PER_PASS && (change = this.changes.poll()) != null; i++) {
			if (change instanceof Opened opened) {
				if (!this.closedLately.contains(opened.id())) {
					this.toOpen.put(opened.id(), opened);
				}
			}
			else if (change instanceof Closed closed) {
				remember(closed.id());
				// Opened and closed before it was announced: the other nodes need hear of neither.
				if (this.toOpen.remove(closed.id()) == null) {
					this.toClose.put(closed.id(), closed);
				}
			}
		}
	}

	private void remember(String closedId) {
		this.closedLately.add(closedId);
		if (this.closedLately.size() > REMEMBERED_CLOSES) {
			Iterator<String> oldest = this.closedLately.iterator();
			oldest.next();
			oldest.remove();
		}
	}

	private static <T> List<T> take(Map<String, T> from, int most) {
		List<T> taken = new ArrayList<>(Math.min(most, from.size()));
		Iterator<T> values = from.values().iterator();
		while (taken.size() < most && values.hasNext()) {
			taken.add(values.next());
			values.remove();
		}
		return taken;
	}

	private void tellView(List<Gone> gone) {
		for (Gone session : gone) {
			this.view.sessionClosedElsewhere(session.session(), session.code(), session.reason());
		}
	}

	private void renewalFailed() {
		this.metrics.leaseRenewalFailed();
		this.nextRenewalNanos = this.clock.nanoTime() + this.settings.renewPeriod().toNanos();
	}

	private void unreachable(RuntimeException ex) {
		if (!this.outage) {
			this.outage = true;
			logger.warn("Redis cannot be reached ({}): the view holds node {}'s own sessions until it can", ex.toString(),
					this.self);
		}
		else {
			logger.debug("Redis still cannot be reached", ex);
		}
		this.registered = false;
		this.recovering = true;
		this.changes.clear();
		this.peers.unreachable(ex.toString());
	}

	private void leave() {
		try {
			if (this.registered && !this.outage) {
				announce();
				this.store.leave(this.self.id(), this.incarnation, Notice.left(this.self.id(), this.incarnation));
				logger.info("Node {} left the cluster", this.self);
			}
		}
		catch (RuntimeException ex) {
			logger.info("Could not leave the cluster cleanly ({}): the other nodes will drop node {} when its lease runs out",
					ex.toString(), this.self);
		}
	}

}

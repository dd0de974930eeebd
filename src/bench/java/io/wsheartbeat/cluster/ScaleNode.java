package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.wsheartbeat.cluster.ClusterConfiguration.RedisTimeout;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.sessions.ViewProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;

/**
 * One node of the scale harness: the production cluster classes as a server wires them
 * ({@link RedisClusterStore} on its own Lettuce client, {@link ClusterState},
 * {@link ClusterMetrics}, {@link ClusterMembership} with its two threads, {@link ClusterSessions}),
 * with made-up sessions in place of a web server's ({@link SyntheticSessions}).
 *
 * <p>Each node has its own {@code LettuceConnectionFactory} (so its own client and its three
 * connections), built with the options {@link ClusterConfiguration} gives a server's. The
 * Netty event loops ({@code ClientResources}) are shared by every node of the process, as
 * threads are not what is measured here; each server has its own two.
 */
final class ScaleNode implements AutoCloseable {

	/**
	 * The step of each node's meters: the renewal gap timer's max covers the last three steps
	 * (Micrometer's {@code TimeWindowMax}: three buckets, each rotated after a step), so that the
	 * harness, reading it every second, catches every gap and can tell one phase's from the next.
	 */
	static final Duration METER_STEP = Duration.ofSeconds(2);

	final String id;

	final SyntheticSessions sessions;

	final ClusterState state;

	final ClusterSessions view;

	private final SimpleMeterRegistry meters;

	private final LettuceConnectionFactory connectionFactory;

	private final ClusterMembership membership;

	private boolean started;

	ScaleNode(String id, int sessions, boolean view, int redisPort, ClientResources resources, JsonMapper jsonMapper,
			long seed) {
		this.id = id;
		Map<String, String> settings = Map.of("heartbeat.cluster.enabled", "true",
				"heartbeat.cluster.node-id", id, "heartbeat.cluster.address", "127.0.0.1:" + (20000 + Math.abs(id.hashCode() % 10000)),
				"heartbeat.view.enabled", String.valueOf(view),
				// SessionChanges holds twice this many changes before it overflows.
				"heartbeat.max-sessions", String.valueOf(Math.max(10_000, sessions)));
		HeartbeatProperties properties = bind("heartbeat", HeartbeatProperties.class, settings);
		ClusterProperties cluster = bind("heartbeat.cluster", ClusterProperties.class, settings);
		ViewProperties viewSettings = bind("heartbeat.view", ViewProperties.class, settings);
		Duration timeout = ClusterConfiguration.DEFAULT_TIMEOUT;
		ClientOptions options = ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
			.build();
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redisPort),
				LettuceClientConfiguration.builder()
					.clientResources(resources)
					.clientOptions(options)
					.commandTimeout(timeout)
					.build());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();

		ThisNode self = new ThisNode(cluster, new StandardEnvironment(), Clock.systemUTC());
		SessionChanges changes = new SessionChanges(properties, Clock.systemUTC());
		this.sessions = new SyntheticSessions(properties, changes, sessions, seed);
		this.state = new ClusterState(self, this.sessions, Clock.systemUTC());
		this.meters = new SimpleMeterRegistry(new SimpleConfig() {

			@Override
			public String get(String key) {
				return null;
			}

			@Override
			public Duration step() {
				return METER_STEP;
			}

		}, io.micrometer.core.instrument.Clock.SYSTEM);
		ClusterMetrics metrics = new ClusterMetrics(this.meters, this.state);
		RedisClusterStore store = new RedisClusterStore(this.connectionFactory, jsonMapper, new RedisTimeout(timeout),
				cluster, viewSettings, metrics);
		this.view = new ClusterSessions(self, this.sessions, store, this.state, cluster);
		this.membership = new ClusterMembership(properties, cluster, self, this.sessions, changes, store, this.state, metrics,
				MonotonicClock.system());
	}

	/** Properties bound as the application binds them, defaults from the record itself. */
	static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
	}

	/** Starts its membership: it registers at its first pass, then renews and announces. */
	void start() {
		this.membership.start();
		this.started = true;
	}

	/** Whether it holds a lease, as its last renewal or registration said. */
	boolean holdsLease() {
		return this.state.leaseExpiresAt() != null;
	}

	/** The longest gap between two granted renewals in the last few seconds, ms. */
	double renewalGapMaxMillis() {
		return this.meters.get("heartbeat.cluster.lease.renewal.gap").timer().max(java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	double counter(String name) {
		return this.meters.get(name).counter().count();
	}

	/** The commands it sent, every kind together (a script counts one). */
	double commandsSent() {
		return this.meters.get(ClusterMetrics.REDIS_COMMANDS).counters().stream().mapToDouble(Counter::count).sum();
	}

	/** Every session of {@code node} that this node's view reads, page by page, as the views page. */
	Set<String> pageThrough(String node, int limit) {
		Set<String> seen = new HashSet<>();
		String position = null;
		do {
			var slice = this.view.sessions(node, position, limit, java.time.Instant.now());
			slice.sessions().forEach((session) -> seen.add(session.id()));
			position = slice.next();
		}
		while (position != null);
		return seen;
	}

	@Override
	public void close() {
		if (this.started) {
			this.membership.stop();
		}
		this.membership.destroy();
		this.connectionFactory.destroy();
	}

}

package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

import io.wsheartbeat.cluster.ClusterConfiguration.RedisTimeout;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.presence.PresenceEvent;
import io.wsheartbeat.presence.PresenceEvents;
import io.wsheartbeat.presence.PresenceProperties;
import io.wsheartbeat.sessions.ViewProperties;
import io.wsheartbeat.support.TestProperties;

/**
 * One node of a cluster with presence, in the test's process: the production classes as a
 * server wires them ({@link RedisClusterStore} on its own Lettuce client with the client options
 * a server gets, {@link ClusterState}, {@link ClusterMetrics}, {@link ClusterMembership},
 * {@link ClusterPresence}), holding no WebSocket sessions: the test tells its book of sessions
 * opened and closed, as the presence listener would.
 */
final class PresenceNode implements AutoCloseable {

	/** Short, so that a killed node is lost soon: a command may take this long. */
	static final Duration TIMEOUT = Duration.ofMillis(500);

	final String id;

	final ClusterPresence book;

	final ClusterState state;

	final ClusterMembership membership;

	final List<PresenceEvent> events = new CopyOnWriteArrayList<>();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final LettuceConnectionFactory connectionFactory;

	private boolean started;

	private boolean killed;

	/**
	 * @param clock the membership's and the book's: the system's for a node that runs by itself,
	 * a set one for a node the test drives pass by pass
	 */
	PresenceNode(String id, int redisPort, Map<String, String> settings, MonotonicClock clock) {
		this.id = id;
		Map<String, String> all = new java.util.HashMap<>(settings);
		all.put("heartbeat.cluster.enabled", "true");
		all.put("heartbeat.cluster.node-id", id);
		all.put("heartbeat.cluster.address", "127.0.0.1:8080");
		HeartbeatProperties properties = TestProperties.of(all);
		ClusterProperties cluster = TestProperties.of("heartbeat.cluster", ClusterProperties.class, all);
		ViewProperties view = TestProperties.of("heartbeat.view", ViewProperties.class, all);
		PresenceProperties presence = TestProperties.of("heartbeat.presence", PresenceProperties.class, all);
		ClientOptions options = ClientOptions.builder()
			.autoReconnect(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
			.build();
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redisPort),
				LettuceClientConfiguration.builder().clientOptions(options).commandTimeout(TIMEOUT).build());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();

		ThisNode self = new ThisNode(cluster, new MockEnvironment(), Clock.systemUTC());
		LocalSessions none = new LocalSessions() {

			@Override
			public int count() {
				return 0;
			}

			@Override
			public Map<String, Announced> announced() {
				return Map.of();
			}

		};
		this.state = new ClusterState(self, none, Clock.systemUTC());
		ClusterMetrics metrics = new ClusterMetrics(this.meters, this.state);
		JsonMapper jsonMapper = JsonMapper.builder().build();
		RedisClusterStore store = new RedisClusterStore(this.connectionFactory, jsonMapper, new RedisTimeout(TIMEOUT),
				cluster, view, metrics);
		this.membership = new ClusterMembership(properties, cluster, self, none,
				new SessionChanges(properties, Clock.systemUTC()), store, this.state, metrics, clock);
		PresenceEvents published = new PresenceEvents();
		published.listen(this.events::add);
		this.book = new ClusterPresence(new PresenceStore(store, jsonMapper, cluster, presence), published, this.state,
				id, clock, cluster);
		this.membership.presence(this.book);
	}

	/** Its own threads renew, write and read, as a server's. */
	PresenceNode start() {
		this.membership.start();
		this.started = true;
		return this;
	}

	/** As a crash: no last write, no leaving; the others find its lease run out. */
	void kill() {
		this.killed = true;
		this.membership.destroy();
		this.connectionFactory.destroy();
	}

	/** The commands it sent, every kind together (a script counts one). */
	double commandsSent() {
		return this.meters.get(ClusterMetrics.REDIS_COMMANDS).counters().stream().mapToDouble(Counter::count).sum();
	}

	@Override
	public void close() {
		if (this.killed) {
			return;
		}
		if (this.started) {
			this.membership.stop();
		}
		this.membership.destroy();
		this.connectionFactory.destroy();
	}

}

package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * The Redis client, in cluster mode only: Boot's own, from {@code spring.data.redis.*}, with
 * defaults that keep a Redis that is down or slow from holding the cluster's thread for long.
 * (The application excludes Boot's Redis auto-configuration, so that a server on its own starts
 * no Redis client at all.) Only the cluster's own thread sends commands.
 *
 * <p>It runs on one Redis server or on Sentinel ({@link RedisTopology}); start-up stops, before
 * any Redis client exists, on a topology it would not work on.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
// A plain import: @ImportAutoConfiguration would honour the application's exclusion of it.
@Import(DataRedisAutoConfiguration.class)
class ClusterConfiguration {

	/** Used where {@code spring.data.redis.timeout} and {@code connect-timeout} are not set. */
	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * Commands fail at once while the connection is down, instead of queueing until it is back
	 * and then running late; a connection attempt gives up after a second unless configured.
	 * Every Lettuce connection factory is built with these options, so asking for the
	 * {@code topology} here refuses an unsupported one before any Redis client exists.
	 */
	@Bean
	LettuceClientOptionsBuilderCustomizer clusterClientOptions(DataRedisProperties redis, RedisTopology topology) {
		return (options) -> {
			options.autoReconnect(true).disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
			if (redis.getConnectTimeout() == null) {
				options.socketOptions(SocketOptions.builder().connectTimeout(DEFAULT_TIMEOUT).build());
			}
		};
	}

	/**
	 * Reconnects within a second of Redis coming back, rather than Lettuce's default of up to
	 * 30 s, so that every view is whole again soon after. Lettuce's smallest thread pools (two
	 * threads each, where it would take one per core): the cluster keeps two connections and
	 * sends a few commands a second.
	 */
	@Bean
	ClientResourcesBuilderCustomizer clusterClientResources() {
		return (resources) -> resources.ioThreadPoolSize(DefaultClientResources.MIN_IO_THREADS)
			.computationThreadPoolSize(DefaultClientResources.MIN_COMPUTATION_THREADS)
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * How long one command may take: {@code spring.data.redis.timeout}, or a second. Start-up
	 * stops if it leaves no room to renew the lease before it runs out.
	 */
	@Bean
	RedisTimeout redisTimeout(DataRedisProperties redis, ClusterProperties cluster) {
		Duration timeout = (redis.getTimeout() != null) ? redis.getTimeout() : DEFAULT_TIMEOUT;
		if (timeout.plus(cluster.renewPeriod()).compareTo(cluster.lease()) >= 0) {
			throw new IllegalStateException("spring.data.redis.timeout (" + timeout
					+ ") plus heartbeat.cluster.renew-period must be below heartbeat.cluster.lease ("
					+ cluster.lease() + "), or one slow command costs this node its lease");
		}
		return new RedisTimeout(timeout);
	}

	/**
	 * The topology, from Boot's connection details: {@code spring.data.redis.*}, or a service
	 * connection that stands in for them. The Lettuce client options need it, so no Redis client
	 * is made before it is checked.
	 */
	@Bean
	RedisTopology redisTopology(DataRedisConnectionDetails connection) {
		return RedisTopology.of(connection);
	}

	/**
	 * Where the cluster's Redis is. Every cluster key shares one hash slot and every notice goes
	 * over Pub/Sub, so the cluster needs one server that holds it all and its channel, with
	 * Sentinel to name a new one when the master fails. Boot's other two topologies are refused,
	 * each with why and what to write instead.
	 */
	enum RedisTopology {

		/** {@code spring.data.redis.host} and {@code port}, or {@code url}. */
		ONE_SERVER,

		/** {@code spring.data.redis.sentinel.master} and {@code nodes}: Lettuce asks Sentinel for the master at every connect. */
		SENTINEL;

		static final String SUPPORTED = "heartbeat.cluster runs on one Redis server (spring.data.redis.host and "
				+ "spring.data.redis.port, or spring.data.redis.url) or on Redis Sentinel (spring.data.redis.sentinel.master "
				+ "and spring.data.redis.sentinel.nodes)";

		/**
		 * @throws IllegalStateException for Redis Cluster or a static master and replicas, saying
		 * why and what is supported
		 */
		static RedisTopology of(DataRedisConnectionDetails connection) {
			if (connection.getCluster() != null) {
				throw new IllegalStateException(SUPPORTED + ". spring.data.redis.cluster.* (Redis Cluster) is not "
						+ "supported: every cluster key shares one hash slot, so Redis Cluster would hold them all on one "
						+ "shard anyway, and the nodes talk to one server, not to a cluster.");
			}
			if (connection.getMasterReplica() != null) {
				throw new IllegalStateException(SUPPORTED + ". spring.data.redis.masterreplica.* (a static master and "
						+ "replicas) is not supported: nothing promotes a replica when the master fails, and on it a node "
						+ "never joins the cluster. For a master with replicas, run Sentinel and set "
						+ "spring.data.redis.sentinel.*.");
			}
			return (connection.getSentinel() != null) ? SENTINEL : ONE_SERVER;
		}

	}

	/** How long one Redis command may take before the cluster's thread gives up on it. */
	record RedisTimeout(Duration value) {
	}

}

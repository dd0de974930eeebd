package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The cluster's Micrometer meters, at {@code /actuator/metrics} and {@code /actuator/prometheus},
 * in cluster mode only. The gauges read what the last renewal answered, in memory, never Redis:
 * a scrape answers at once whatever Redis does, as health does.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterMetrics {

	static final String REDIS_COMMANDS = "heartbeat.cluster.redis.commands";

	// What RedisClusterStore sends: its scripts by digest, by text when Redis has forgotten them,
	// and the views' reads; presence's pages read with zrangebylex, hmget and hget. Registered at
	// start so that each shows 0 before it is first sent.
	private static final List<String> COMMANDS = List.of("evalsha", "eval", "script", "hgetall", "hscan", "lrange",
			"zrangebylex", "hmget", "hget");

	private final MeterRegistry meters;

	private final Counter renewalsFailed;

	private final Counter registrations;

	private final Counter nodesLost;

	private final Timer renewalGaps;

	private final Map<String, Counter> commands = new ConcurrentHashMap<>();

	ClusterMetrics(MeterRegistry meters, ClusterState state) {
		this.meters = meters;
		Gauge.builder("heartbeat.cluster.nodes.live", state, ClusterState::liveNodes)
			.description("Nodes whose lease has not run out, this one included, as this node sees them "
					+ "(1 while it cannot reach Redis)")
			.register(meters);
		Gauge.builder("heartbeat.cluster.sessions.active", state, ClusterState::clusterSessions)
			.description("Open sessions on every live node, as this node sees them "
					+ "(its own only while it cannot reach Redis)")
			.register(meters);
		this.renewalsFailed = Counter.builder("heartbeat.cluster.lease.renewals.failed")
			.description("Renewals of this node's lease that failed, timed out or found the lease lost "
					+ "(at most one per renew period)")
			.register(meters);
		this.registrations = Counter.builder("heartbeat.cluster.registrations")
			.description("Times this node registered: once at start, and again only when the store said its lease was gone")
			.register(meters);
		this.nodesLost = Counter.builder("heartbeat.cluster.nodes.lost")
			.description("Other nodes this node's renewals judged lost (their lease ran out) and removed")
			.register(meters);
		this.renewalGaps = Timer.builder("heartbeat.cluster.lease.renewal.gap")
			.description("Time between two renewals of this node's lease that the store granted: the lease "
					+ "is lost when a gap outlasts it")
			.register(meters);
		COMMANDS.forEach(this::counterFor);
	}

	void leaseRenewed(Duration sinceLast) {
		this.renewalGaps.record(sinceLast);
	}

	void registered() {
		this.registrations.increment();
	}

	/** What a registration or a renewal judged: the other nodes it found lost. */
	void judged(LeaseAnswer answer) {
		this.nodesLost.increment(answer.lost().size());
	}

	void leaseRenewalFailed() {
		this.renewalsFailed.increment();
	}

	/** Called by {@link RedisClusterStore} for each command it sends. */
	void redisCommandSent(String command) {
		counterFor(command).increment();
	}

	private Counter counterFor(String command) {
		return this.commands.computeIfAbsent(command, (name) -> Counter.builder(REDIS_COMMANDS)
			.tag("command", name)
			.description("Redis commands this node sent (not those run inside its scripts)")
			.register(this.meters));
	}

}

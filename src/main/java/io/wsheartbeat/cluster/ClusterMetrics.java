package io.wsheartbeat.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The cluster's Micrometer meters, at {@code /actuator/metrics} and {@code /actuator/prometheus},
 * in cluster mode only. The gauges read this node's copy of the cluster in memory, never Redis:
 * a scrape answers at once whatever Redis does, as health does.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterMetrics {

	static final String REDIS_COMMANDS = "heartbeat.cluster.redis.commands";

	// What ClusterStore sends: its scripts by digest, by text when Redis has forgotten them, and
	// its subscription. Registered at start so that each shows 0 before it is first sent.
	private static final List<String> COMMANDS = List.of("evalsha", "eval", "subscribe");

	private final MeterRegistry meters;

	private final Counter renewalsFailed;

	private final Map<String, Counter> commands = new ConcurrentHashMap<>();

	ClusterMetrics(MeterRegistry meters, Peers peers) {
		this.meters = meters;
		Gauge.builder("heartbeat.cluster.nodes.live", peers, Peers::liveNodes)
			.description("Nodes whose lease has not run out, this one included, as this node sees them "
					+ "(1 while it cannot reach Redis)")
			.register(meters);
		Gauge.builder("heartbeat.cluster.sessions.active", peers, Peers::clusterSessions)
			.description("Open sessions on every live node, as this node sees them "
					+ "(its own only while it cannot reach Redis)")
			.register(meters);
		this.renewalsFailed = Counter.builder("heartbeat.cluster.lease.renewals.failed")
			.description("Renewals of this node's lease that failed, timed out or found the lease lost "
					+ "(at most one per renew period)")
			.register(meters);
		COMMANDS.forEach(this::counterFor);
	}

	void leaseRenewalFailed() {
		this.renewalsFailed.increment();
	}

	/** Called by {@link ClusterStore} for each command it sends. */
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

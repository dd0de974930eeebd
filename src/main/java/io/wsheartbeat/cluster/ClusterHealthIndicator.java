package io.wsheartbeat.cluster;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The {@code cluster} component of {@code /actuator/health}: {@code UP} while this node reaches
 * Redis, {@link #DEGRADED} while it cannot. Not {@code DOWN}: without Redis the node still serves
 * every client it has (heartbeats, acks, reaping, the page), and a load balancer or an
 * orchestrator that saw DOWN would take every node out of service at once, for a fault in none
 * of them. {@code DEGRADED} is not in the health endpoint's status order, so it leaves the
 * overall status, liveness and readiness as they are.
 *
 * <p>Read from memory, never from Redis: a health check must not wait on the thing it reports.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterHealthIndicator implements HealthIndicator {

	/** Serving its own clients, without the cluster's view. */
	static final Status DEGRADED = new Status("DEGRADED",
			"Out of the cluster (Redis cannot be reached, or this node's id is held by another process): this node serves its clients, and its view holds its own sessions only");

	private final ClusterState state;

	private final ThisNode self;

	ClusterHealthIndicator(ClusterState state, ThisNode self) {
		this.state = state;
		this.self = self;
	}

	@Override
	public Health health() {
		String out = this.state.outOfCluster();
		if (this.state.isReachable() && out != null) {
			return Health.status(DEGRADED)
				.withDetail("node", this.self.id())
				.withDetail("redis", "up")
				.withDetail("error", out + ": this node serves its clients and does not join the cluster")
				.build();
		}
		if (this.state.isReachable()) {
			return Health.up()
				.withDetail("node", this.self.id())
				.withDetail("redis", "up")
				.withDetail("nodes", this.state.liveNodes())
				.build();
		}
		return Health.status(DEGRADED)
			.withDetail("node", this.self.id())
			.withDetail("redis", "down")
			.withDetail("since", String.valueOf(this.state.unreachableSince()))
			.withDetail("error", this.state.lastFailure())
			.build();
	}

}

package io.wsheartbeat.cluster;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code heartbeat.cluster.*}, cluster mode: this server is one node of several behind a load balancer, and every node
 * lists the sessions of every live node. Off, the server is one node on its own and never
 * touches Redis. On, Redis is reached with Boot's own {@code spring.data.redis.*} settings.
 * @param enabled whether this node joins a cluster through Redis
 * @param nodeId this node's id, in every entry of the view and in the welcome frame; blank
 * for a random one, new at every start
 * @param address where this node can be reached, as {@code GET /api/cluster} lists it; blank
 * for this host's name and the web server's port
 * @param lease how long this node counts as alive after it last renewed its lease: a node
 * silent for longer is lost, and its sessions leave every view
 * @param renewPeriod how often this node renews its lease, and looks for lost ones
 * @param flushPeriod how often the sessions opened and closed here are announced, in one batch
 * @param keyPrefix the prefix of every Redis key the cluster uses, so that several clusters can
 * share one Redis
 * @param keyTtl how long a cluster key lives in Redis after the last renewal or write that
 * touched it: when the last node stops, however it stops, Redis forgets the cluster this long
 * after; an outage of Redis longer than this is met as a Redis that came back empty
 */
@Validated
@ConfigurationProperties("heartbeat.cluster")
public record ClusterProperties(
		@DefaultValue("false") boolean enabled,
		@DefaultValue("") @Pattern(regexp = "[A-Za-z0-9._-]{0,64}", message = "heartbeat.cluster.node-id may hold at most 64 letters, digits, '.', '_' or '-'") String nodeId,
		@DefaultValue("") @Size(max = 200) String address,
		@DefaultValue("5s") @NotNull Duration lease,
		@DefaultValue("1s") @NotNull Duration renewPeriod,
		@DefaultValue("200ms") @NotNull Duration flushPeriod,
		@DefaultValue("heartbeat") @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "heartbeat.cluster.key-prefix must be 1 to 64 letters, digits, '.', '_' or '-'") String keyPrefix,
		@DefaultValue("45s") @NotNull Duration keyTtl) {

	@AssertTrue(message = "heartbeat.cluster.key-ttl must be at least three leases: the keys must outlive the outages of Redis the nodes ride out")
	boolean isKeyTtlPastTheLease() {
		return keyTtl == null || lease == null || keyTtl.compareTo(lease.multipliedBy(3)) >= 0;
	}

	@AssertTrue(message = "heartbeat.cluster.renew-period and heartbeat.cluster.flush-period must be positive, and heartbeat.cluster.lease at least three renew periods: a node must survive a renewal or two that come late")
	boolean isLeaseRenewedInTime() {
		return lease == null || renewPeriod == null || flushPeriod == null
				|| (positive(renewPeriod) && positive(flushPeriod)
						&& lease.compareTo(renewPeriod.multipliedBy(3)) >= 0);
	}

	// Duration.isPositive() arrived in Java 18.
	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}

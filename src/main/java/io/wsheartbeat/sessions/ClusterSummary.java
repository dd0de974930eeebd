package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

/**
 * The cluster as one node sees it: what {@code GET /api/cluster} answers and the sessions view
 * carries in cluster mode.
 *
 * @param node this node's id
 * @param redisReachable whether this node reached Redis at its last try; while it cannot, the
 * view holds this node's own sessions only
 * @param nodes every live node, this one included, by id
 */
public record ClusterSummary(String node, boolean redisReachable, List<Node> nodes) {

	/**
	 * One node of the cluster.
	 * @param id its id, which every session it holds carries in the view
	 * @param address where it can be reached ({@code heartbeat.cluster.address})
	 * @param sessions how many sessions it holds: its own count for this node, the count it last
	 * announced for the others
	 * @param leaseExpiresAt when its lease runs out unless it renews it, by Redis's clock; it is lost then
	 */
	public record Node(String id, String address, int sessions, Instant leaseExpiresAt) {
	}

}

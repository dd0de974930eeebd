package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

/**
 * The other nodes of a cluster, where this server is one ({@code io.wsheartbeat.cluster}, with
 * {@code heartbeat.cluster.enabled}): the view adds their sessions to this node's own. A server on
 * its own has no such bean.
 */
public interface OtherNodes {

	/**
	 * The open sessions of every other live node, as this node last heard of them; empty while the
	 * cluster view is unavailable ({@link ClusterSummary#redisReachable()} false), when what this
	 * node last heard may no longer be true.
	 * @param now the wall-clock time to age them at
	 */
	List<SessionSnapshot> openSessions(Instant now);

	/** Every live node, this one included, and whether this node can reach Redis. */
	ClusterSummary summary();

}

package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

/**
 * The other nodes of a cluster, where this server is one ({@code io.wsheartbeat.cluster}, with
 * {@code heartbeat.cluster.enabled}). This node holds none of their sessions: the view asks for
 * the part it shows, when it shows it. A server on its own has no such bean.
 */
public interface OtherNodes {

	/** Every live node, this one included, by id, and whether this node can reach Redis. */
	ClusterSummary summary();

	/**
	 * Some of another node's open sessions.
	 * @param position where an earlier slice of that node's ended, or {@code null} for the first
	 * @param limit how many at most
	 * @param now the wall-clock time to age them at
	 * @throws RuntimeException if they cannot be read now: the answer then says that node is missing
	 */
	Slice sessions(String node, String position, int limit, Instant now);

	/**
	 * The sessions closed lately on the other nodes, newest first: closed there with their code,
	 * or gone with their node, lost.
	 * @param nowNanos the monotonic time that goes with {@code now}, to age them out
	 */
	List<ClosedSession> closed(int max, Instant now, long nowNanos);

	/**
	 * Part of one node's sessions.
	 * @param next where the next part starts, or {@code null} after its last
	 */
	record Slice(List<SessionSnapshot> sessions, String next) {
	}

}

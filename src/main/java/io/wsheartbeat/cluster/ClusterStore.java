package io.wsheartbeat.cluster;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * What the cluster keeps in a shared store, and the few atomic changes it makes there. Redis is
 * the one in production ({@link RedisClusterStore}); the tests drive the membership with one in
 * memory and a clock they set.
 *
 * <p>Three kinds of caller, each on its own connection where the store has connections, so that
 * none waits behind another: the lease ({@link #register}, {@link #renew}, {@link #leave}), the
 * announcements ({@link #announce}) and the views ({@link #nodes}, {@link #sessions},
 * {@link #closed}). Every method may throw a {@link RuntimeException} when the store cannot be
 * reached or does not answer in time; what it was asked may then have been done or not, and
 * every change is safe to send again.
 */
interface ClusterStore extends AutoCloseable {

	/**
	 * Registers this node, incarnation {@code inc}, with every session it holds, after judging
	 * every lease. Not granted while another incarnation holds {@code node} with a live lease.
	 */
	LeaseAnswer register(String node, String inc, String address, long started, Map<String, Announced> sessions);

	/** Renews this node's lease, after judging every lease; not granted if the lease is gone. */
	LeaseAnswer renew(String node, String inc, int sessions);

	/**
	 * Writes sessions opened and closed here, and how many this node holds now.
	 * @param replace whether these are all of this node's sessions, in place of what it wrote
	 * @return {@code false} if refused: this node's entry is gone, or is another incarnation's
	 */
	boolean announce(String node, String inc, int sessions, boolean replace, List<Opened> opened, List<Closed> closed);

	/** Takes this node out, if its entry is still this incarnation's. */
	boolean leave(String node, String inc);

	/**
	 * Every node's entry that can be read, by id. Here and below, what cannot be read is left out,
	 * and {@code unreadable} is told where it was.
	 */
	Map<String, NodeEntry> nodes(Consumer<String> unreadable);

	/**
	 * Some of one node's sessions, from {@code position} on.
	 * @param position where an earlier page ended, or {@code null} for the first
	 * @param limit how many at most
	 */
	SessionsSlice sessions(String node, String position, int limit, Consumer<String> unreadable);

	/** The sessions closed lately on any node, newest first, at most {@code max}. */
	List<ClosedRecord> closed(int max, Consumer<String> unreadable);

	@Override
	void close();

	/**
	 * A part of one node's sessions.
	 * @param sessions by id, in the store's order
	 * @param next where the next part starts, or {@code null} after the last
	 */
	record SessionsSlice(Map<String, Announced> sessions, String next) {
	}

}

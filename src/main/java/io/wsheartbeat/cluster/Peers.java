package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.sessions.ClusterSummary;
import io.wsheartbeat.sessions.OtherNodes;
import io.wsheartbeat.sessions.SessionSnapshot;

/**
 * The other nodes and their sessions, as this node last heard of them: a copy in memory, kept by
 * the cluster's thread ({@link ClusterMembership}) and read by any thread that shows the view.
 * While Redis cannot be reached the copy is kept but not shown: it may no longer be true, and
 * when Redis is back it saves reading every node whole again.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class Peers implements OtherNodes {

	/** How a session of a node that was lost leaves the view: no close frame reached anyone. */
	static final int NODE_LOST = CloseStatus.NO_CLOSE_FRAME.getCode();

	/** How the sessions a stopping node did not close itself leave the view. */
	static final int NODE_LEFT = CloseStatus.GOING_AWAY.getCode();

	private final ThisNode self;

	private final SessionRegistry registry;

	private final long leaseMillis;

	private final Clock wallClock;

	private final Map<String, Peer> peers = new ConcurrentHashMap<>();

	private volatile boolean reachable;

	private volatile Instant unreachableSince;

	private volatile String lastFailure;

	private volatile Instant ownLeaseExpiresAt;

	/** A session that left the view of another node's sessions, and why. */
	record Gone(SessionSnapshot session, int code, String reason) {
	}

	Peers(ThisNode self, SessionRegistry registry, HeartbeatProperties properties, Clock wallClock) {
		this.self = self;
		this.registry = registry;
		this.leaseMillis = properties.cluster().lease().toMillis();
		this.wallClock = wallClock;
		this.unreachableSince = wallClock.instant();
		this.lastFailure = "not connected yet";
	}

	@Override
	public List<SessionSnapshot> openSessions(Instant now) {
		if (!this.reachable) {
			return List.of();
		}
		List<SessionSnapshot> open = new ArrayList<>();
		for (Peer peer : this.peers.values()) {
			peer.sessions.forEach((id, session) -> open.add(snapshot(peer.id, id, session, now)));
		}
		return open;
	}

	@Override
	public ClusterSummary summary() {
		boolean reachable = this.reachable;
		List<ClusterSummary.Node> nodes = new ArrayList<>();
		nodes.add(new ClusterSummary.Node(this.self.id(), this.self.address(), this.registry.size(),
				this.ownLeaseExpiresAt));
		if (reachable) {
			for (Peer peer : this.peers.values()) {
				NodeEntry entry = peer.entry;
				nodes.add(new ClusterSummary.Node(peer.id, entry.address(), peer.sessions.size(),
						Instant.ofEpochMilli(entry.lease())));
			}
		}
		nodes.sort(Comparator.comparing(ClusterSummary.Node::id));
		return new ClusterSummary(this.self.id(), reachable, List.copyOf(nodes));
	}

	boolean isReachable() {
		return this.reachable;
	}

	/** Since when Redis cannot be reached, or {@code null} while it can. */
	Instant unreachableSince() {
		return this.reachable ? null : this.unreachableSince;
	}

	String lastFailure() {
		return this.lastFailure;
	}

	int size() {
		return this.peers.size();
	}

	/**
	 * This node and the others it holds, which are those whose lease has not run out by Redis's
	 * clock (at the last renewal); this node alone while Redis cannot be reached, as the view.
	 */
	int liveNodes() {
		return this.reachable ? this.peers.size() + 1 : 1;
	}

	/** The open sessions the view lists: this node's, and every other live node's while Redis can be reached. */
	int clusterSessions() {
		int sessions = this.registry.size();
		if (this.reachable) {
			for (Peer peer : this.peers.values()) {
				sessions += peer.sessions.size();
			}
		}
		return sessions;
	}

	// ---- Below: the cluster's thread only.

	void reachable(long leaseExpiresAt) {
		this.ownLeaseExpiresAt = Instant.ofEpochMilli(leaseExpiresAt);
		this.reachable = true;
	}

	void unreachable(String why) {
		if (this.reachable) {
			this.unreachableSince = this.wallClock.instant();
		}
		this.reachable = false;
		this.lastFailure = why;
		this.ownLeaseExpiresAt = null;
	}

	/**
	 * Brings the copy in line with the nodes a lease renewal found: updates the known ones, and
	 * drops those missing from Redis whose lease has run out, as lost (the node that removed
	 * them announced it, but this one may have missed that).
	 * @param now Redis's clock
	 * @param recovered whether Redis was out of reach until now: then no node could renew its
	 * lease, and each missing one gets a lease's time from now to register again (as after a
	 * Redis restart) before it counts as lost
	 * @param gone where the sessions of dropped nodes go
	 * @return the nodes to read whole: new ones, new incarnations, and those whose announcements
	 * this node missed (its version stayed behind theirs over two renewals, longer than a notice
	 * takes to arrive)
	 */
	List<String> reconcile(long now, Map<String, NodeEntry> nodes, boolean recovered, List<Gone> gone) {
		List<String> toRead = new ArrayList<>();
		for (Peer peer : List.copyOf(this.peers.values())) {
			if (!nodes.containsKey(peer.id)) {
				if (recovered) {
					peer.keepUntil = Math.max(peer.keepUntil, now + this.leaseMillis);
				}
				if (now > peer.keepUntil) {
					remove(peer.id, NODE_LOST, lostReason(peer.id), gone);
				}
			}
		}
		nodes.forEach((id, entry) -> {
			if (id.equals(this.self.id())) {
				return;
			}
			Peer peer = this.peers.get(id);
			if (peer == null || peer.entry.inc() != entry.inc() || entry.ver() < peer.entry.ver()) {
				toRead.add(id);
				return;
			}
			peer.keepUntil = entry.lease();
			peer.entry = peer.entry.withLease(entry);
			peer.renewalsBehind = (entry.ver() > peer.entry.ver()) ? peer.renewalsBehind + 1 : 0;
			if (peer.renewalsBehind >= 2) {
				toRead.add(id);
			}
		});
		return toRead;
	}

	/**
	 * Applies a batch of changes another node announced.
	 * @return {@code false} if it does not follow what this node holds of that node (unknown node,
	 * another incarnation, a version missed): read that node whole instead
	 */
	boolean apply(Notice notice, List<Gone> gone) {
		Peer peer = this.peers.get(notice.node());
		if (peer == null || peer.entry.inc() != notice.inc()) {
			return false;
		}
		if (notice.ver() <= peer.entry.ver()) {
			return true; // already read
		}
		if (notice.ver() != peer.entry.ver() + 1) {
			return false;
		}
		if (notice.opened() != null) {
			for (Opened opened : notice.opened()) {
				peer.sessions.put(opened.id(), new Announced(opened.remoteAddress(), opened.connectedAt()));
			}
		}
		if (notice.closed() != null) {
			Instant now = this.wallClock.instant();
			for (Closed closed : notice.closed()) {
				Announced session = peer.sessions.remove(closed.id());
				if (session != null) {
					gone.add(new Gone(snapshot(peer.id, closed.id(), session, now), closed.code(), closed.reason()));
				}
			}
		}
		peer.entry = peer.entry.announced(notice.ver(), peer.sessions.size());
		peer.renewalsBehind = 0;
		return true;
	}

	/**
	 * Replaces what this node holds of another with what Redis has. Sessions that are no longer
	 * there closed while this node was not listening: their close code is not known.
	 */
	void replace(String id, NodeEntry entry, Map<String, Announced> sessions, List<Gone> gone) {
		Peer peer = this.peers.get(id);
		if (peer == null) {
			peer = new Peer(id, entry);
			this.peers.put(id, peer);
		}
		Instant now = this.wallClock.instant();
		for (Map.Entry<String, Announced> held : List.copyOf(peer.sessions.entrySet())) {
			if (!sessions.containsKey(held.getKey())) {
				peer.sessions.remove(held.getKey());
				gone.add(new Gone(snapshot(id, held.getKey(), held.getValue(), now), NODE_LOST,
						"closed on node " + id + " while this node was not listening"));
			}
		}
		peer.sessions.putAll(sessions);
		peer.entry = entry;
		peer.keepUntil = entry.lease();
		peer.renewalsBehind = 0;
	}

	/** Drops a node that was lost, if it is still the incarnation that was. */
	void lost(String id, long incarnation, List<Gone> gone) {
		Peer peer = this.peers.get(id);
		if (peer != null && peer.entry.inc() == incarnation) {
			remove(id, NODE_LOST, lostReason(id), gone);
		}
	}

	/** Drops a node that stopped, if it is still the incarnation that did. */
	void left(String id, long incarnation, List<Gone> gone) {
		Peer peer = this.peers.get(id);
		if (peer != null && peer.entry.inc() == incarnation) {
			remove(id, NODE_LEFT, "node " + id + " left the cluster", gone);
		}
	}

	/** Every other node this node holds, to read whole again. */
	List<String> known() {
		return List.copyOf(this.peers.keySet());
	}

	private void remove(String id, int code, String reason, List<Gone> gone) {
		Peer peer = this.peers.remove(id);
		if (peer != null) {
			Instant now = this.wallClock.instant();
			peer.sessions.forEach((session, announced) -> gone.add(new Gone(snapshot(id, session, announced, now), code, reason)));
		}
	}

	static String lostReason(String id) {
		return "node " + id + " lost: its lease ran out";
	}

	private static SessionSnapshot snapshot(String node, String id, Announced session, Instant now) {
		return SessionSnapshot.elsewhere(id, node, session.remoteAddress(), session.connectedAt(), now);
	}

	/** Another node, as this node holds it. */
	private static final class Peer {

		final String id;

		final Map<String, Announced> sessions = new ConcurrentHashMap<>();

		volatile NodeEntry entry;

		// Redis's clock: past it, a node missing from Redis counts as lost. The cluster's thread only.
		long keepUntil;

		// Renewals in a row that found this node announced more than this node holds.
		int renewalsBehind;

		Peer(String id, NodeEntry entry) {
			this.id = id;
			this.entry = entry;
			this.keepUntil = entry.lease();
		}

	}

}

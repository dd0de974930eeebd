package io.wsheartbeat.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

import io.wsheartbeat.sessions.ClosedSession;
import io.wsheartbeat.sessions.ClusterSummary;
import io.wsheartbeat.sessions.OtherNodes;
import io.wsheartbeat.sessions.SessionSnapshot;

/**
 * The other nodes as the views see them: asked of the store when a view is shown, never copied
 * into this node. The list of nodes is read at most once per {@code heartbeat.cluster.renew-period}
 * whoever asks, and not at all while this node cannot reach Redis: then the views hold this
 * node's own sessions, and say so, rather than wait on a Redis that does not answer.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterSessions implements OtherNodes {

	private final ThisNode self;

	private final LocalSessions sessions;

	private final ClusterStore store;

	private final ClusterState state;

	private final long cacheNanos;

	private volatile Cached cached;

	private record Cached(long readAtNanos, Map<String, NodeEntry> nodes) {
	}

	ClusterSessions(ThisNode self, LocalSessions sessions, ClusterStore store, ClusterState state,
			ClusterProperties settings) {
		this.self = self;
		this.sessions = sessions;
		this.store = store;
		this.state = state;
		this.cacheNanos = settings.renewPeriod().toNanos();
	}

	@Override
	public ClusterSummary summary() {
		List<ClusterSummary.Node> nodes = new ArrayList<>();
		nodes.add(new ClusterSummary.Node(this.self.id(), this.self.address(), this.sessions.count(),
				this.state.leaseExpiresAt()));
		boolean reachable = this.state.isReachable();
		if (reachable) {
			Map<String, NodeEntry> others = others();
			if (others == null) {
				reachable = false;
			}
			else {
				others.forEach((id, entry) -> {
					if (!id.equals(this.self.id())) {
						nodes.add(new ClusterSummary.Node(id, entry.address(), entry.sessions(),
								Instant.ofEpochMilli(entry.lease())));
					}
				});
			}
		}
		nodes.sort(Comparator.comparing(ClusterSummary.Node::id));
		return new ClusterSummary(this.self.id(), reachable, List.copyOf(nodes));
	}

	// The nodes hash, as read within the last renew period, or null if it cannot be read now.
	private Map<String, NodeEntry> others() {
		Cached known = this.cached;
		long now = System.nanoTime();
		// Read again early where this node's last renewal counted other nodes than the list has.
		if (known != null && now - known.readAtNanos() < this.cacheNanos
				&& known.nodes().size() == this.state.liveNodes()) {
			return known.nodes();
		}
		try {
			Map<String, NodeEntry> nodes = this.store.nodes(this.state::unreadable);
			this.cached = new Cached(now, nodes);
			return nodes;
		}
		catch (RuntimeException ex) {
			// One judgement of Redis for the view and for health: the view that says unavailable
			// is never beside a health that says up.
			this.state.failed(ex);
			return null;
		}
	}

	@Override
	public Slice sessions(String node, String position, int limit, Instant now) {
		ClusterStore.SessionsSlice slice = this.store.sessions(node, position, limit, this.state::unreadable);
		List<SessionSnapshot> sessions = new ArrayList<>(slice.sessions().size());
		slice.sessions()
			.forEach((id, session) -> sessions
				.add(SessionSnapshot.elsewhere(id, node, session.remoteAddress(), session.connectedAt(), now)));
		return new Slice(sessions, slice.next());
	}

	/**
	 * The closes the nodes wrote, each session once: an announcement whose answer timed out may
	 * have run in Redis all the same, and is sent again, so its closes can be in the list twice.
	 */
	@Override
	public List<ClosedSession> closed(int max, Instant now, long nowNanos) {
		List<ClosedSession> closed = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (ClosedRecord record : this.store.closed(max, this.state::unreadable)) {
			if (!seen.add(record.id())) {
				continue;
			}
			Instant closedAt = Instant.ofEpochMilli(record.closedAt());
			long closedAtNanos = nowNanos - Duration.between(closedAt, now).toNanos();
			Instant connectedAt = (record.connectedAt() != null) ? record.connectedAt() : closedAt;
			SessionSnapshot session = SessionSnapshot.elsewhere(record.id(), record.node(), record.remoteAddress(),
					connectedAt, closedAt);
			closed.add(new ClosedSession(session, record.code(), (record.reason() != null) ? record.reason() : "",
					closedAt, closedAtNanos));
		}
		return closed;
	}

}

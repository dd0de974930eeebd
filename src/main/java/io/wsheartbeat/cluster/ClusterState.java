package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;


/**
 * What this node knows of the cluster, from the store's last answers: whether Redis answers,
 * this node's lease, and the cluster's size in nodes and sessions. Written by the cluster's
 * threads, read from memory by health, metrics and the views, which never wait on Redis to
 * answer. Of the other nodes it keeps counts only, never their sessions.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterState {

	private static final Logger logger = LoggerFactory.getLogger(ClusterState.class);

	private final ThisNode self;

	private final LocalSessions sessions;

	private final Clock wallClock;

	private volatile boolean reachable;

	private volatile Instant unreachableSince;

	private volatile String lastFailure = "not connected yet";

	private volatile Instant leaseExpiresAt;

	private volatile int liveNodes = 1;

	private volatile int sessionsElsewhere;

	// Why this node is out of the cluster though Redis answers, or null while it is in.
	private volatile String outOfCluster;

	// Each unreadable entry is logged once, not at every renewal or view that skips it; a key full
	// of garbage fills neither the log nor the heap.
	private static final int MAX_UNREADABLE_LOGGED = 100;

	private final Set<String> unreadableLogged = ConcurrentHashMap.newKeySet();

	ClusterState(ThisNode self, LocalSessions sessions, Clock wallClock) {
		this.self = self;
		this.sessions = sessions;
		this.wallClock = wallClock;
		this.unreachableSince = wallClock.instant();
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

	/** When this node's lease runs out, by Redis's clock, or {@code null} while it holds none. */
	Instant leaseExpiresAt() {
		return this.leaseExpiresAt;
	}

	/** Live nodes, this one included, at the last answer; 1 while Redis cannot be reached. */
	int liveNodes() {
		return this.reachable ? this.liveNodes : 1;
	}

	/** Open sessions in the cluster: this node's now, the others' as they last said. */
	int clusterSessions() {
		return this.sessions.count() + (this.reachable ? this.sessionsElsewhere : 0);
	}

	/**
	 * The store answered a registration or a renewal.
	 * @param leaseMillis how long a granted lease lasts from the store's {@code now}
	 * @param ownSessions the sessions this node told the store it holds
	 */
	void answered(LeaseAnswer answer, long leaseMillis, int ownSessions) {
		if (answer.outage()) {
			logger.info("Redis answers again after an outage: every lease was extended by a full lease, and no node was judged lost");
		}
		this.leaseExpiresAt = answer.granted() ? Instant.ofEpochMilli(answer.now() + leaseMillis) : null;
		this.liveNodes = Math.max(1, answer.nodes());
		this.sessionsElsewhere = Math.max(0, answer.sessions() - (answer.granted() ? ownSessions : 0));
		reached();
		answer.unreadable().keySet().forEach((field) -> unreadable("field '" + field + "' of the nodes hash"));
		judgedLost(answer.lost(), answer.now());
	}

	/** Why this node is out of the cluster though Redis answers (its id is held), or {@code null}. */
	String outOfCluster() {
		return this.outOfCluster;
	}

	void outOfCluster(String why) {
		this.outOfCluster = why;
	}

	/** The store answered something. */
	void reached() {
		if (!this.reachable) {
			this.reachable = true;
			this.lastFailure = null;
			logger.info("Redis can be reached: node {} sees the whole cluster", this.self);
		}
	}

	/** The store could not be reached, or did not answer in time. */
	void failed(RuntimeException ex) {
		if (this.reachable) {
			this.reachable = false;
			this.unreachableSince = this.wallClock.instant();
			logger.warn("Redis cannot be reached ({}): node {} serves its own sessions, and its view holds them only, until it can",
					ex.toString(), this.self);
		}
		else {
			logger.debug("Redis still cannot be reached", ex);
		}
		this.lastFailure = ex.toString();
	}

	/** An entry of a cluster key that could not be read, and where: skipped, and logged once. */
	void unreadable(String where) {
		if (this.unreadableLogged.size() < MAX_UNREADABLE_LOGGED && this.unreadableLogged.add(where)) {
			logger.warn("Skipped {}: it is not an entry this version can read (a stray write, or a node of another "
					+ "version); it is logged once", where);
		}
	}

	private void judgedLost(Map<String, NodeEntry> lost, long now) {
		lost.forEach((node, entry) -> {
			if (!node.equals(this.self.id())) {
				logger.warn("Node {} lost: its lease ran out {} ms ago; node {} removed it and its {} session(s) from the cluster",
						node, now - entry.lease(), this.self, entry.sessions());
			}
		});
	}

}

package io.wsheartbeat.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * One scale node's sessions, made up: ids as Spring's (a UUID), an IPv4 client address, and the
 * time they opened. They open and close as a server's would, told to the node's
 * {@link SessionChanges} by {@link SessionChanges#offer}. It is the node's {@link LocalSessions},
 * which the membership, {@link ClusterState} and {@link ClusterSessions} ask what the node holds.
 *
 * <p>It remembers when each session opened or closed lately, so that a view read while sessions
 * open and close can be told whole: what it lacks or has too many of changed in the last moment.
 */
final class SyntheticSessions implements LocalSessions {

	// How long a change is remembered: longer than any check of a view takes.
	private static final long REMEMBERED_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final SessionChanges changes;

	private final Map<String, Announced> open = new ConcurrentHashMap<>();

	// The same ids, for picking one at random to close.
	private final List<String> ids = new ArrayList<>();

	private final Map<String, Long> changedAt = new ConcurrentHashMap<>();

	private final SplittableRandom random;

	// Sessions owed to the churn: a fraction of one is carried over to the next tick.
	private double owed;

	SyntheticSessions(HeartbeatProperties properties, SessionChanges changes, int count, long seed) {
		this.changes = changes;
		this.random = new SplittableRandom(seed);
		for (int i = 0; i < count; i++) {
			add();
		}
	}

	@Override
	public int count() {
		return this.open.size();
	}

	@Override
	public Map<String, Announced> announced() {
		return new LinkedHashMap<>(this.open);
	}

	/**
	 * Closes {@code sessions} at random (a fraction carries over) and opens as many new ones,
	 * telling {@link SessionChanges} of each, as a server's listener would.
	 */
	synchronized void churn(double sessions) {
		this.owed += sessions;
		int now = (int) this.owed;
		this.owed -= now;
		long at = System.nanoTime();
		for (int i = 0; i < now && !this.ids.isEmpty(); i++) {
			int pick = this.random.nextInt(this.ids.size());
			String id = this.ids.get(pick);
			this.ids.set(pick, this.ids.get(this.ids.size() - 1));
			this.ids.remove(this.ids.size() - 1);
			Announced session = this.open.remove(id);
			this.changedAt.put(id, at);
			this.changes.offer(new Closed(id, session.remoteAddress(), session.connectedAt(), 1001, "Going away",
					System.currentTimeMillis()));
		}
		for (int i = 0; i < now; i++) {
			Announced session = add();
			String id = this.ids.get(this.ids.size() - 1);
			this.changedAt.put(id, at);
			this.changes.offer(new Opened(id, session.remoteAddress(), session.connectedAt()));
		}
		this.changedAt.values().removeIf((changed) -> at - changed > REMEMBERED_NANOS);
	}

	private Announced add() {
		String id = new UUID(this.random.nextLong(), this.random.nextLong()).toString();
		Announced session = new Announced("10." + this.random.nextInt(256) + "." + this.random.nextInt(256) + "."
				+ this.random.nextInt(256), Instant.now());
		this.open.put(id, session);
		this.ids.add(id);
		return session;
	}

	/**
	 * Whether {@code seen}, this node's sessions as a view read them, are the ones it holds: any
	 * it lacks, or holds past their close, changed after {@code sinceNanos}.
	 */
	boolean agrees(Set<String> seen, long sinceNanos) {
		for (String id : this.open.keySet()) {
			if (!seen.contains(id) && !changedSince(id, sinceNanos)) {
				return false;
			}
		}
		for (Iterator<String> it = seen.iterator(); it.hasNext();) {
			String id = it.next();
			if (!this.open.containsKey(id) && !changedSince(id, sinceNanos)) {
				return false;
			}
		}
		return true;
	}

	private boolean changedSince(String id, long sinceNanos) {
		Long changed = this.changedAt.get(id);
		return changed != null && changed - sinceNanos >= 0;
	}

}

package io.wsheartbeat.cluster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wsheartbeat.cluster.SessionChanges.Change;
import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * The sessions opened and closed here that the store has not been told of yet, in batches. A
 * batch leaves only once the store took it: one that failed is sent again, whole, and costs
 * nothing else. Bounded: past {@code capacity} changes waiting (Redis away for long, under
 * churn), or when {@link SessionChanges} overflowed, they are dropped and the node writes every
 * session it holds instead ({@link #replaceNeeded()}), which says the same.
 *
 * <p>The cluster's membership thread only.
 */
final class Announcements {

	/** Changes per batch: one script call stays small. */
	static final int BATCH = 1000;

	// Ids of the sessions whose close was taken lately. A session's close can reach the queue
	// just before its open (the two are told on different threads); the open is then recognised
	// and dropped, rather than announce a session that is gone.
	private static final int REMEMBERED_CLOSES = 4096;

	private final SessionChanges changes;

	private final int capacity;

	private final Map<String, Opened> toOpen = new LinkedHashMap<>();

	private final Map<String, Closed> toClose = new LinkedHashMap<>();

	private final Set<String> closedLately = new LinkedHashSet<>();

	private boolean replace;

	Announcements(SessionChanges changes, int capacity) {
		this.changes = changes;
		this.capacity = capacity;
	}

	/** Takes what {@link SessionChanges} queued since the last call. */
	void take() {
		if (this.changes.takeOverflow()) {
			replaceAll();
			return;
		}
		Change change;
		for (int i = 0; i < this.capacity && (change = this.changes.poll()) != null; i++) {
			if (change instanceof Opened opened) {
				if (!this.closedLately.contains(opened.id())) {
					this.toOpen.put(opened.id(), opened);
				}
			}
			else if (change instanceof Closed closed) {
				remember(closed.id());
				// Opened and closed before it was announced: the store need hear of neither.
				if (this.toOpen.remove(closed.id()) == null) {
					this.toClose.put(closed.id(), closed);
				}
			}
		}
		if (this.toOpen.size() + this.toClose.size() > this.capacity) {
			replaceAll();
		}
	}

	/** Whether the node must write every session it holds, in place of the changes it lost. */
	boolean replaceNeeded() {
		return this.replace;
	}

	/**
	 * Forgets every change waiting, queued ones too: the node is about to write every session it
	 * holds (a registration, or a replacement), read from the registry after this.
	 */
	void clear() {
		this.changes.clear();
		this.toOpen.clear();
		this.toClose.clear();
		this.replace = false;
	}

	boolean isEmpty() {
		return this.toOpen.isEmpty() && this.toClose.isEmpty();
	}

	/** The oldest changes waiting, at most {@link #BATCH}; they stay until {@link #sent}. */
	Batch next() {
		List<Opened> opened = first(this.toOpen, BATCH);
		List<Closed> closed = first(this.toClose, BATCH - opened.size());
		return new Batch(opened, closed);
	}

	/** The store took {@code batch}. */
	void sent(Batch batch) {
		batch.opened().forEach((session) -> this.toOpen.remove(session.id()));
		batch.closed().forEach((session) -> this.toClose.remove(session.id()));
	}

	private void replaceAll() {
		this.toOpen.clear();
		this.toClose.clear();
		this.replace = true;
	}

	private void remember(String closedId) {
		this.closedLately.add(closedId);
		if (this.closedLately.size() > REMEMBERED_CLOSES) {
			Iterator<String> oldest = this.closedLately.iterator();
			oldest.next();
			oldest.remove();
		}
	}

	private static <T> List<T> first(Map<String, T> from, int most) {
		List<T> taken = new ArrayList<>(Math.min(most, from.size()));
		Iterator<T> values = from.values().iterator();
		while (taken.size() < most && values.hasNext()) {
			taken.add(values.next());
		}
		return taken;
	}

	/** One batch of changes, for one call of the store. */
	record Batch(List<Opened> opened, List<Closed> closed) {
	}

}

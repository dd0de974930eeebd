package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionListener;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * The sessions opened and closed on this node since the cluster's thread last looked, in order.
 * Told on the thread that opened or closed the session (a container thread, the reaper's), so it
 * only enqueues: no lock, no Redis. The queue is bounded; past its bound the changes are
 * dropped and the cluster's thread announces every session this node holds instead, which says
 * the same.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class SessionChanges implements SessionListener {

	/** A session opened or closed here. */
	sealed interface Change {

		String id();

	}

	record Opened(String id, String remoteAddress, Instant connectedAt) implements Change {

		static Opened of(TrackedSession session) {
			return new Opened(session.id(), session.remoteAddress(), session.connectedAt());
		}

	}

	/** A session closed here, with what the views show of it; {@code closedAt} in epoch ms. */
	record Closed(String id, String remoteAddress, Instant connectedAt, int code, String reason, long closedAt)
			implements Change {
	}

	private final Queue<Change> changes = new ConcurrentLinkedQueue<>();

	// Counted apart: ConcurrentLinkedQueue.size() walks the whole queue.
	private final AtomicInteger size = new AtomicInteger();

	private final AtomicBoolean overflowed = new AtomicBoolean();

	private final int capacity;

	private final Clock wallClock;

	SessionChanges(HeartbeatProperties properties, Clock wallClock) {
		this.wallClock = wallClock;
		// An open and a close for every place, with room for a burst of short sessions.
		this.capacity = Math.max(1024, 2 * properties.maxSessions());
	}

	@Override
	public void sessionOpened(TrackedSession session) {
		offer(Opened.of(session));
	}

	@Override
	public void sessionClosed(TrackedSession session, CloseStatus status) {
		offer(new Closed(session.id(), session.remoteAddress(), session.connectedAt(), status.getCode(),
				(status.getReason() != null) ? status.getReason() : "", this.wallClock.millis()));
	}

	/** A change told by other means than a listener's call (the scale harness's synthetic sessions). */
	void offer(Change change) {
		if (this.size.incrementAndGet() > this.capacity) {
			this.size.decrementAndGet();
			this.overflowed.set(true);
			return;
		}
		this.changes.add(change);
	}

	/** The oldest change not yet taken, or {@code null}. */
	Change poll() {
		Change change = this.changes.poll();
		if (change != null) {
			this.size.decrementAndGet();
		}
		return change;
	}

	/** Whether changes were dropped since the last call: if so, only a full announcement is true. */
	boolean takeOverflow() {
		return this.overflowed.getAndSet(false);
	}

	/** Drops every change waiting: a full announcement of the registry is about to replace them. */
	void clear() {
		while (poll() != null) {
			// drained
		}
		this.overflowed.set(false);
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

/**
 * How many of a drain's sessions should be closed by a given moment: evenly over the window,
 * {@code total x elapsed / window}, so that every 100 ms of it closes the same share.
 *
 * <p>A tick that comes late (a pause, a busy machine) does not close all that fell due meanwhile
 * in one burst: it catches up by at most one tick's share more than its own, so the closes stay
 * spread, and the drain runs a little past its window instead. Time is a monotonic clock's
 * nanoseconds, passed in, so a test sets it.
 */
final class DrainPace {

	private final int total;

	private final long startNanos;

	private final long windowNanos;

	// The most one tick may close: twice a tick's share of the window, at least one.
	private final int maxPerTick;

	private int taken;

	DrainPace(int total, Duration window, Duration tick, long startNanos) {
		if (window.isNegative() || window.isZero() || tick.isNegative() || tick.isZero()) {
			throw new IllegalArgumentException("window and tick must be positive");
		}
		this.total = total;
		this.startNanos = startNanos;
		this.windowNanos = window.toNanos();
		this.maxPerTick = (int) Math.max(1, Math.ceil(2.0 * total * tick.toNanos() / this.windowNanos));
	}

	/**
	 * How many to close now, counted as closed: those due by {@code nowNanos} and not taken yet,
	 * at most {@link #maxPerTick} of them.
	 */
	int take(long nowNanos) {
		long elapsed = Math.max(0, nowNanos - this.startNanos);
		int due = (elapsed >= this.windowNanos) ? this.total
				: (int) Math.floor((double) this.total * elapsed / this.windowNanos);
		int now = Math.min(due - this.taken, this.maxPerTick);
		if (now <= 0) {
			return 0;
		}
		this.taken += now;
		return now;
	}

	boolean done() {
		return this.taken >= this.total;
	}

	int taken() {
		return this.taken;
	}

	int total() {
		return this.total;
	}

}

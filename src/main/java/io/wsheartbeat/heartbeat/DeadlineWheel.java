package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reaper's timetable: session ids in slots of one reaper period, each in the slot of the
 * deadline it had when last looked at, so that a pass looks only at the sessions whose deadline
 * may have come. A session that spoke since is put back at its new deadline; one whose deadline is
 * in the current slot but still ahead is looked at again by every pass until it comes. A pass over
 * every session would read two fields of each, scattered over the heap, once a second; here a pass
 * reads about one in server-timeout / reaper-period of them.
 *
 * <p>It holds ids, not sessions, so a session that closed is not kept alive until its slot comes;
 * the reaper drops an id it no longer finds in the registry. Ids are unique (Spring's are UUIDs).
 * Looking at a session too early is harmless (it is put back), so the slots wrap around: a
 * deadline further ahead than the wheel is long is only looked at once more on the way.
 *
 * <p>Not thread-safe: only the reaper's passes use it, and the scheduler runs them one at a time.
 */
final class DeadlineWheel {

	private final long slotNanos;

	private final List<List<String>> slots = new ArrayList<>();

	// The slot of the last pass. The next pass looks at it again: it holds the sessions whose
	// deadline fell in that slot but had not come yet.
	private long lastPassSlot;

	private boolean passed;

	/**
	 * @param period how often the reaper passes: one slot each
	 * @param longestSilence the longest a session may stay silent, so that a deadline never lies
	 * further ahead than the wheel is long
	 */
	DeadlineWheel(Duration period, Duration longestSilence) {
		this.slotNanos = period.toNanos();
		long count = longestSilence.toNanos() / this.slotNanos + 3;
		for (long i = 0; i < count; i++) {
			this.slots.add(new ArrayList<>());
		}
	}

	/**
	 * Puts a session where a pass will find it no later than the first pass after its deadline.
	 * @param nowNanos the time of the pass under way, or of the next one
	 */
	void place(String id, long deadlineNanos, long nowNanos) {
		slot(Math.max(slotOf(deadlineNanos), slotOf(nowNanos))).add(id);
	}

	/** Takes out every id whose slot has come by {@code nowNanos}. */
	List<String> takeDue(long nowNanos) {
		long current = slotOf(nowNanos);
		long from = this.passed ? this.lastPassSlot : current;
		// After a stall longer than the wheel (or a test's clock jump), every slot once.
		from = Math.max(from, current - this.slots.size() + 1);
		this.lastPassSlot = current;
		this.passed = true;
		List<String> due = new ArrayList<>();
		for (long slot = from; slot <= current; slot++) {
			int index = index(slot);
			due.addAll(this.slots.get(index));
			// Emptied here: what the pass puts back into the current slot waits for the next pass.
			this.slots.set(index, new ArrayList<>());
		}
		return due;
	}

	private long slotOf(long nanos) {
		return Math.floorDiv(nanos, this.slotNanos);
	}

	private List<String> slot(long slot) {
		return this.slots.get(index(slot));
	}

	private int index(long slot) {
		return (int) Math.floorMod(slot, (long) this.slots.size());
	}

}

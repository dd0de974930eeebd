package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.support.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain's pace on a clock the test moves: every 100 ms of the window closes about the same
 * share, never more than twice the mean, also when ticks come late.
 */
class DrainPaceTests {

	private static final Duration TICK = SessionDrain.TICK;

	private static final long BUCKET_NANOS = Duration.ofMillis(100).toNanos();

	private final ManualClock clock = new ManualClock();

	@Test
	void shouldCloseEvenlyOverTheWindowWhenTicksComeOnTime() {
		Duration window = Duration.ofSeconds(10);
		long start = this.clock.nanoTime();
		int[] buckets = run(new DrainPace(5000, window, TICK, start), start, (tick) -> TICK);

		assertThat(sum(buckets)).isEqualTo(5000);
		assertThat(lastNonEmpty(buckets)).as("done within the window's 100 buckets").isLessThan(100);
		assertThat(max(buckets)).as("no 100 ms closes more than twice the mean of 50").isLessThanOrEqualTo(100);
	}

	@Test
	void shouldCatchUpWithoutABurstAfterLateTicks() {
		Duration window = Duration.ofSeconds(10);
		long start = this.clock.nanoTime();
		Random random = new Random(17);
		// Ticks up to 30 ms late, and every two seconds a 300 ms pause (a GC, a starved thread).
		int[] buckets = run(new DrainPace(5000, window, TICK, start), start,
				(tick) -> (tick % 200 == 199) ? Duration.ofMillis(300) : TICK.plusMillis(random.nextInt(31)));

		assertThat(sum(buckets)).isEqualTo(5000);
		assertThat(max(buckets)).as("no 100 ms closes more than twice the mean of 50, even catching up")
			.isLessThanOrEqualTo(100);
		assertThat(lastNonEmpty(buckets)).as("the catching up costs at most a few seconds past the window")
			.isLessThan(140);
	}

	@Test
	void shouldSpreadAFewSessionsOverTheWholeWindow() {
		Duration window = Duration.ofSeconds(1);
		long start = this.clock.nanoTime();
		int[] buckets = run(new DrainPace(3, window, TICK, start), start, (tick) -> TICK);

		assertThat(buckets[3]).as("the first at a third of the window").isEqualTo(1);
		assertThat(buckets[6]).as("the second at two thirds").isEqualTo(1);
		assertThat(buckets[9]).as("the last in the window's last 100 ms").isEqualTo(1);
		assertThat(sum(buckets)).isEqualTo(3);
	}

	@Test
	void shouldCloseNothingBeforeItsTimeNorTwice() {
		long start = this.clock.nanoTime();
		DrainPace pace = new DrainPace(10, Duration.ofSeconds(1), TICK, start);

		assertThat(pace.take(start)).isZero();
		assertThat(pace.take(start + Duration.ofMillis(100).toNanos())).isEqualTo(1);
		assertThat(pace.take(start + Duration.ofMillis(100).toNanos())).as("taken already").isZero();
		assertThat(pace.done()).isFalse();
	}

	interface Ticks {

		Duration after(int tick);

	}

	// Ticks the pace until it is done, as SessionDrain's ticks would; closes counted per 100 ms from the start.
	private int[] run(DrainPace pace, long start, Ticks ticks) {
		int[] buckets = new int[1000];
		for (int tick = 0; !pace.done(); tick++) {
			this.clock.advance(ticks.after(tick));
			long now = this.clock.nanoTime();
			int closed = pace.take(now);
			// A close due exactly at a bucket's end belongs to the bucket it ends.
			buckets[(int) ((now - start - 1) / BUCKET_NANOS)] += closed;
		}
		return buckets;
	}

	private static int sum(int[] buckets) {
		int sum = 0;
		for (int b : buckets) {
			sum += b;
		}
		return sum;
	}

	private static int max(int[] buckets) {
		int max = 0;
		for (int b : buckets) {
			max = Math.max(max, b);
		}
		return max;
	}

	private static int lastNonEmpty(int[] buckets) {
		int last = -1;
		for (int i = 0; i < buckets.length; i++) {
			if (buckets[i] > 0) {
				last = i;
			}
		}
		return last;
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

/** A monotonic clock that moves only when a test moves it. */
final class ManualClock implements MonotonicClock {

	private long nanos = 1_000_000_000L;

	@Override
	public long nanoTime() {
		return this.nanos;
	}

	void advance(Duration duration) {
		this.nanos += duration.toNanos();
	}

}

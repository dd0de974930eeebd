package io.wsheartbeat.support;

import java.time.Duration;

import io.wsheartbeat.heartbeat.MonotonicClock;

/** A monotonic clock that moves only when a test moves it. */
public final class ManualClock implements MonotonicClock {

	private long nanos = 1_000_000_000L;

	@Override
	public long nanoTime() {
		return this.nanos;
	}

	public void advance(Duration duration) {
		this.nanos += duration.toNanos();
	}

}

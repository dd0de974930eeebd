package io.wsheartbeat.heartbeat;

/**
 * A source of monotonic time for measuring silence. Unlike the wall clock it never jumps when NTP
 * corrects the time or an operator changes it, so a clock change reaps no one. Tests substitute a
 * clock they can set instead of sleeping.
 */
@FunctionalInterface
public interface MonotonicClock {

	/** Nanoseconds from an arbitrary origin; only differences mean anything. */
	long nanoTime();

	static MonotonicClock system() {
		return System::nanoTime;
	}

}

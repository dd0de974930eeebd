package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Where the demo holds the acks it delays: its own two threads, so the heartbeat's own pool does
 * not carry the demo's work. A held ack may block its thread while the client's TCP window is
 * full, for at most {@code heartbeat.send-time-limit}, as a ping does the heartbeat's; two threads
 * keep one such client from holding every other delayed ack.
 *
 * <p>The queue is bounded at twice {@code heartbeat.max-sessions} acks: beyond that an ack is
 * dropped, which is what the client's ack timeout is for.
 */
final class DelayedAcks {

	private final ScheduledThreadPoolExecutor executor;

	private final int maxQueued;

	DelayedAcks(int maxSessions) {
		this.maxQueued = Math.max(64, maxSessions * 2);
		// Its threads start with the first ack held, so a demo whose acks are never delayed has none.
		this.executor = new ScheduledThreadPoolExecutor(2, new CustomizableThreadFactory("delayed-acks-"));
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Runs {@code send} after {@code delay}.
	 * @return false if it was dropped: the queue is full, or the server is shutting down
	 */
	boolean sendLater(Runnable send, Duration delay) {
		if (this.executor.getQueue().size() >= this.maxQueued) {
			return false;
		}
		try {
			this.executor.schedule(send, delay.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	void shutdown() {
		this.executor.shutdownNow();
	}

}

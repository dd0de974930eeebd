package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Runs the pings and closes that the reaper and the pinger decide on, away from the scheduler
 * thread. Any send can block while a client's TCP window is full (up to
 * {@code heartbeat.send-time-limit}), and on the scheduler's thread that would hold up every
 * other session's reaping and pinging. Here a stuck client holds one worker at most, for a
 * bounded time.
 *
 * <p>The queue is bounded too, at twice {@code heartbeat.max-sessions} tasks: beyond that a ping
 * is dropped (the next round sends another), and a close is done on the caller's thread, because
 * a dead session must not be forgotten.
 */
@Component
class SessionTasks implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SessionTasks.class);

	private final ScheduledThreadPoolExecutor executor;

	private final int maxQueued;

	private final MonotonicClock clock;

	SessionTasks(HeartbeatProperties properties, MonotonicClock clock) {
		this.clock = clock;
		this.maxQueued = Math.max(64, properties.maxSessions() * 2);
		this.executor = new ScheduledThreadPoolExecutor(2, new CustomizableThreadFactory("heartbeat-io-"));
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/** Pings {@code session} after {@code delay}; skipped if the queue is full. */
	void ping(TrackedSession session, Duration delay) {
		if (!tryRun(() -> session.ping(this.clock.nanoTime()), delay)) {
			logger.debug("Ping to {} skipped: the task queue is full", session);
		}
	}

	void close(TrackedSession session, CloseStatus status) {
		if (!tryRun(() -> session.close(status), Duration.ZERO)) {
			session.close(status);
		}
	}

	/**
	 * Waits until {@code done} holds, asking it every {@code every}, for at most {@code limit}.
	 * @return whether it came to hold in time
	 */
	boolean awaitCondition(BooleanSupplier done, Duration every, Duration limit) throws InterruptedException {
		try {
			return whenHolds(done, every, limit).get();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("the condition failed", ex.getCause());
		}
	}

	/**
	 * Completes with true once {@code done} holds, asked every {@code every} on this executor,
	 * or with false after {@code limit}; no thread waits meanwhile.
	 */
	CompletableFuture<Boolean> whenHolds(BooleanSupplier done, Duration every, Duration limit) {
		CompletableFuture<Boolean> holds = new CompletableFuture<>();
		ScheduledFuture<?> checks = this.executor.scheduleWithFixedDelay(() -> {
			try {
				if (done.getAsBoolean()) {
					holds.complete(true);
				}
			}
			catch (RuntimeException ex) {
				// Escaping, it would only end the checks silently, and the wait would run to its limit.
				holds.completeExceptionally(ex);
			}
		}, 0, every.toNanos(), TimeUnit.NANOSECONDS);
		ScheduledFuture<?> timeout = this.executor.schedule(() -> holds.complete(false), limit.toNanos(),
				TimeUnit.NANOSECONDS);
		holds.whenComplete((result, ex) -> {
			checks.cancel(false);
			timeout.cancel(false);
		});
		return holds;
	}

	/** Runs {@code task} every {@code period}, the first time one period from now, until the future it returns is cancelled. */
	ScheduledFuture<?> repeat(Runnable task, Duration period) {
		return this.executor.scheduleAtFixedRate(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
	}

	private boolean tryRun(Runnable task, Duration delay) {
		if (this.executor.getQueue().size() >= this.maxQueued) {
			return false;
		}
		try {
			this.executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false; // shutting down
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * One paced drain: the sessions open when shutdown began, closed with {@code status} a few at a
 * time, as {@link DrainPace} allows, on {@link SessionTasks}' executor every {@link #TICK}. The
 * closes themselves are handed to that executor too, so a client slow to take its close frame
 * holds up one close, not the pace.
 *
 * <p>It ends early, closing every session it has not reached with 1001, at {@code deadlineNanos}
 * (so the shutdown phase's timeout is never what cuts it short) or when {@link #endEarly()} is
 * called (a second SIGTERM).
 */
final class SessionDrain {

	private static final Logger logger = LoggerFactory.getLogger(SessionDrain.class);

	/** How often the drain closes what is due: 10 ms, a tenth of the 100 ms its spread is judged over. */
	static final Duration TICK = Duration.ofMillis(10);

	/** What a drain did. */
	record Result(List<TrackedSession> closed, int drained, int cutShort, boolean endedEarly) {
	}

	private final List<TrackedSession> sessions;

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	private final MonotonicClock clock;

	private final CloseStatus status;

	private final DrainPace pace;

	private final long deadlineNanos;

	private final CompletableFuture<Result> finished = new CompletableFuture<>();

	// The tick's own: scheduleAtFixedRate never runs a task twice at once.
	private final List<TrackedSession> closed = new ArrayList<>();

	private int next;

	private int drained;

	private volatile boolean endEarly;

	private volatile ScheduledFuture<?> ticks;

	SessionDrain(List<TrackedSession> sessions, Duration window, CloseStatus status, long deadlineNanos,
			SessionRegistry registry, SessionTasks tasks, MonotonicClock clock) {
		this.sessions = sessions;
		this.registry = registry;
		this.tasks = tasks;
		this.clock = clock;
		this.status = status;
		this.deadlineNanos = deadlineNanos;
		this.pace = new DrainPace(sessions.size(), window, TICK, clock.nanoTime());
	}

	/** Starts the ticks; the future completes when every session is closed, or the drain was cut short. */
	CompletableFuture<Result> start() {
		this.ticks = this.tasks.repeat(this::tick, TICK);
		return this.finished;
	}

	/** Closes the rest with 1001 at the next tick. */
	void endEarly() {
		this.endEarly = true;
	}

	private void tick() {
		if (this.finished.isDone()) {
			return;
		}
		try {
			long now = this.clock.nanoTime();
			if (this.endEarly || now - this.deadlineNanos >= 0) {
				finish(true);
				return;
			}
			for (int due = this.pace.take(now); due > 0 && this.next < this.sessions.size(); due--) {
				TrackedSession session = this.sessions.get(this.next++);
				// Gone already (its client left, or the reaper took it): nothing to close.
				if (this.registry.remove(session.id(), this.status).isPresent()) {
					this.tasks.close(session, this.status);
					this.closed.add(session);
					this.drained++;
				}
			}
			if (this.pace.done()) {
				finish(false);
			}
		}
		catch (RuntimeException ex) {
			// Escaping, it would end the ticks silently and leave the rest open until the web server cut them.
			logger.warn("Drain failed; closing the rest at once", ex);
			finish(true);
		}
	}

	private void finish(boolean early) {
		ScheduledFuture<?> ticks = this.ticks;
		if (ticks != null) {
			ticks.cancel(false);
		}
		int cutShort = 0;
		while (this.next < this.sessions.size()) {
			TrackedSession session = this.sessions.get(this.next++);
			if (this.registry.remove(session.id(), CloseCodes.SHUTTING_DOWN).isPresent()) {
				this.tasks.close(session, CloseCodes.SHUTTING_DOWN);
				this.closed.add(session);
				cutShort++;
			}
		}
		// Admission stopped before the drain took its list, but one racing it may have got in.
		List<TrackedSession> late = this.registry.closeAllForShutdown();
		this.closed.addAll(late);
		this.finished.complete(new Result(List.copyOf(this.closed), this.drained, cutShort + late.size(), early));
	}

}

package io.wsheartbeat.heartbeat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

/**
 * Runs the pings and closes that the reaper and the pinger decide on, away from the scheduler
 * thread. Any send can block while a client's TCP window is full (up to
 * {@code heartbeat.send-time-limit}), and on the scheduler's thread that would hold up every other
 * session's reaping and pinging. Here a stuck client holds one worker at most, for a bounded time.
 *
 * <p>The queue is bounded too: with at most two tasks pending per session (a ping and a close), a
 * queue twice {@code heartbeat.max-sessions} long only overflows if sessions pile up faster than
 * they can be served, and then a ping is dropped (the next round sends another) and a close is
 * done on the caller's thread, because a dead session must not be forgotten.
 */
@Component
class SessionTasks implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SessionTasks.class);

	private final ThreadPoolExecutor executor;

	private final MonotonicClock clock;

	SessionTasks(HeartbeatProperties properties, MonotonicClock clock) {
		this.clock = clock;
		this.executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(Math.max(64, properties.maxSessions() * 2)),
				new CustomizableThreadFactory("heartbeat-io-"), new ThreadPoolExecutor.AbortPolicy());
	}

	void ping(TrackedSession session) {
		try {
			this.executor.execute(() -> session.ping(this.clock.nanoTime()));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Ping to {} skipped: the task queue is full", session);
		}
	}

	void close(TrackedSession session, CloseStatus status) {
		try {
			this.executor.execute(() -> session.close(status));
		}
		catch (RejectedExecutionException ex) {
			session.close(status);
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}

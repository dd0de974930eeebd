package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * Closes sessions that stayed silent past their deadline with 4000 "heartbeat timeout", and so
 * frees what a vanished client held: the socket, its buffers, its place in the registry.
 *
 * <p>A pass runs every {@code heartbeat.reaper-period} on Boot's scheduler thread. It looks only
 * at the sessions whose deadline may have come, from its {@link DeadlineWheel}, removes a dead one
 * from the registry at once and leaves the close frame to {@link SessionTasks}, so a pass never
 * waits on a network.
 */
@Component
class SessionReaper {

	private static final Logger logger = LoggerFactory.getLogger(SessionReaper.class);

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	private final MonotonicClock clock;

	private final HeartbeatMetrics metrics;

	private final DeadlineWheel deadlines;

	SessionReaper(HeartbeatProperties properties, SessionRegistry registry, SessionTasks tasks, MonotonicClock clock,
			HeartbeatMetrics metrics) {
		this.registry = registry;
		this.tasks = tasks;
		this.clock = clock;
		this.metrics = metrics;
		this.deadlines = new DeadlineWheel(properties.reaperPeriod(), properties.deadlineFor(properties.maxInterval()));
	}

	/**
	 * One pass over the sessions whose deadline may have come.
	 * @return how many sessions it reaped
	 */
	@Scheduled(fixedDelayString = "#{@'heartbeat-io.wsheartbeat.heartbeat.HeartbeatProperties'.reaperPeriod().toMillis()}")
	int reap() {
		long started = this.clock.nanoTime();
		this.registry.drainToSchedule((session) -> this.deadlines.place(session.id(), session.deadlineNanos(), started));
		int reaped = 0;
		for (String id : this.deadlines.takeDue(started)) {
			TrackedSession session = this.registry.find(id).orElse(null);
			if (session == null) {
				continue; // closed since it was placed
			}
			if (!session.isSilentPastDeadline(started)) {
				this.deadlines.place(id, session.deadlineNanos(), started);
			}
			else if (this.registry.remove(id, CloseCodes.HEARTBEAT_TIMEOUT).isPresent()) {
				reaped++;
				this.metrics.sessionReaped();
				logger.debug("Reaping {}: silent past its deadline", session);
				this.tasks.close(session, CloseCodes.HEARTBEAT_TIMEOUT);
			}
		}
		Duration took = Duration.ofNanos(this.clock.nanoTime() - started);
		this.metrics.reaperPassTook(took);
		if (reaped > 0) {
			logger.info("Reaped {} silent session(s), {} left, in {} us", reaped, this.registry.size(),
					took.toNanos() / 1000);
		}
		return reaped;
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends a protocol Ping to every session once per {@code heartbeat.server-ping-interval}. The
 * pings are for the network, not for liveness: a NAT or proxy that sees no traffic recycles the
 * connection, and browsers answer pings on their own even when the page's script has stopped, so
 * a pong never counts as the client being alive.
 *
 * <p>Each session is pinged at its own phase: the first ping at a random moment of its first
 * interval, the next ones one interval apart. Pinging every session at once would hold each ack
 * behind a burst of thousands of pings and their pongs once per interval; spread out, the same
 * pings are a steady trickle, and a wave of clients reconnecting together after a restart is
 * spread too. A pass over the sessions runs every {@link #passPeriod()} on Boot's scheduler thread
 * and hands each ping due before the next pass to {@link SessionTasks} with the delay that makes
 * it leave on time. An interval of 0 turns pings off: the passes then do nothing.
 */
@Component
class ServerPinger {

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	private final MonotonicClock clock;

	private final long intervalNanos;

	private final Duration passPeriod;

	// Only the passes use it, and the scheduler runs them one at a time.
	private final RandomGenerator random;

	@Autowired
	ServerPinger(HeartbeatProperties properties, SessionRegistry registry, SessionTasks tasks, MonotonicClock clock) {
		this(properties, registry, tasks, clock, new SplittableRandom());
	}

	ServerPinger(HeartbeatProperties properties, SessionRegistry registry, SessionTasks tasks, MonotonicClock clock,
			RandomGenerator random) {
		this.registry = registry;
		this.tasks = tasks;
		this.clock = clock;
		this.random = random;
		this.intervalNanos = properties.serverPingInterval().toNanos();
		this.passPeriod = properties.serverPingPassPeriod();
	}

	/** How often {@link #pingDueSessions()} runs ({@link HeartbeatProperties#serverPingPassPeriod()}). */
	Duration passPeriod() {
		return this.passPeriod;
	}

	/** One pass: hands over every ping due before the next pass. */
	@Scheduled(fixedDelayString = "#{@'heartbeat-io.wsheartbeat.heartbeat.HeartbeatProperties'.serverPingPassPeriod().toMillis()}")
	void pingDueSessions() {
		if (!isOn()) {
			return;
		}
		long now = this.clock.nanoTime();
		long nextPass = now + this.passPeriod.toNanos();
		for (TrackedSession session : this.registry.sessions()) {
			long due = session.nextPingNanos();
			if (due == TrackedSession.NEVER) {
				due = now + this.random.nextLong(this.intervalNanos);
			}
			if (due - nextPass < 0) {
				this.tasks.ping(session, Duration.ofNanos(Math.max(0, due - now)));
				due += this.intervalNanos;
			}
			session.nextPingAt(due);
		}
	}

	private boolean isOn() {
		return this.intervalNanos > 0;
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Sends a protocol Ping to every session once per {@code heartbeat.server-ping-interval}. The
 * pings are for the network, not for liveness: a NAT or proxy that sees no traffic recycles the
 * connection, and browsers answer pings on their own even when the page's script has stopped, so
 * a pong never counts as the client being alive.
 *
 * <p>Each session is pinged at its own phase: the first ping at a random moment of its first
 * interval, the next ones one interval apart. Pinging every session at once held each ack behind
 * a burst of 19,000 pings and their pongs once per interval (the benchmark's hold p99: 49-80 ms,
 * against 10-12 ms spread out); spread out, the same pings are a steady trickle, and a wave of
 * clients reconnecting together after a restart is spread too. A pass over the sessions runs every
 * {@link #passPeriod()} and hands each ping due before the next pass to {@link SessionTasks} with
 * the delay that makes it leave on time.
 */
@Component
class ServerPinger {

	// A pass reads every session (about a millisecond for 19,000): once a second is often enough
	// for the pings to leave on time, as each is handed over with its own delay.
	private static final Duration LONGEST_PASS_PERIOD = Duration.ofSeconds(1);

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
		Duration interval = properties.serverPingInterval();
		this.intervalNanos = interval.toNanos();
		this.passPeriod = (interval.compareTo(LONGEST_PASS_PERIOD) < 0) ? interval : LONGEST_PASS_PERIOD;
	}

	/** How often {@link #pingDueSessions()} must run: at most the ping interval, so no ping is missed. */
	Duration passPeriod() {
		return this.passPeriod;
	}

	/** One pass: hands over every ping due before the next pass. */
	void pingDueSessions() {
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

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pinger's plan, read off the pings it hands over: when each would leave, per session. A
 * fake {@link SessionTasks} records them instead of sending.
 */
class ServerPingerTests {

	private static final Duration INTERVAL = Duration.ofSeconds(25);

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties
		.of(Map.of("heartbeat.server-ping-interval", INTERVAL.toSeconds() + "s"));

	private final SessionRegistry registry = new SessionRegistry(this.properties);

	private final RecordingTasks tasks = new RecordingTasks(this.properties, this.clock);

	private final ServerPinger pinger = new ServerPinger(this.properties, this.registry, this.tasks, this.clock,
			new SplittableRandom(42));

	@Test
	void pingsEverySessionOncePerIntervalAtItsOwnPhase() {
		open(3);

		runPassesFor(INTERVAL.multipliedBy(10));

		for (List<Long> times : this.tasks.pingTimesBySession().values()) {
			assertThat(times).hasSize(10);
			assertThat(times.get(0)).as("the first ping comes within the first interval")
				.isBetween(0L, INTERVAL.toNanos());
			for (int i = 1; i < times.size(); i++) {
				assertThat(times.get(i) - times.get(i - 1)).isEqualTo(INTERVAL.toNanos());
			}
		}
	}

	@Test
	void spreadsTheSessionsOfAWaveThatConnectedAtOnceOverTheInterval() {
		open(2_500);

		runPassesFor(INTERVAL);

		long[] perSecond = new long[(int) INTERVAL.toSeconds()];
		this.tasks.pingTimesBySession().values().forEach((times) -> perSecond[(int) (times.get(0) / 1_000_000_000L)]++);
		// 100 a second on average; all 2,500 in one instant is what this replaces.
		assertThat(Arrays.stream(perSecond).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(50L, 150L));
	}

	@Test
	void aPassRunsAtLeastOncePerInterval() {
		HeartbeatProperties everyHalfSecond = TestProperties.of(Map.of("heartbeat.server-ping-interval", "500ms"));

		assertThat(new ServerPinger(everyHalfSecond, this.registry, this.tasks, this.clock).passPeriod())
			.isEqualTo(Duration.ofMillis(500));
		assertThat(this.pinger.passPeriod()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void aPingIntervalOfZeroPingsNoOne() {
		HeartbeatProperties off = TestProperties.of(Map.of("heartbeat.server-ping-interval", "0"));
		ServerPinger pinger = new ServerPinger(off, this.registry, this.tasks, this.clock);
		open(3);

		for (int pass = 0; pass < 100; pass++) {
			pinger.pingDueSessions();
			this.clock.advance(pinger.passPeriod());
		}

		assertThat(this.tasks.pingTimesBySession()).isEmpty();
	}

	@Test
	void aLatePassSendsWhatIsDueAtOnceAndKeepsThePhase() {
		open(1);
		runPassesFor(INTERVAL.multipliedBy(2));
		List<Long> onTime = new ArrayList<>(this.tasks.pingTimesBySession().values().iterator().next());

		// No pass runs until 3 s after the next ping was due (a stalled scheduler thread).
		this.clock.advance(Duration.ofNanos(onTime.get(1) + INTERVAL.toNanos() - this.tasks.elapsed()).plusSeconds(3));
		this.pinger.pingDueSessions();
		runPassesFor(INTERVAL);

		List<Long> times = this.tasks.pingTimesBySession().values().iterator().next();
		assertThat(times.get(2)).as("sent at once, 3 s late").isEqualTo(onTime.get(1) + INTERVAL.toNanos() + 3_000_000_000L);
		assertThat(times.get(3)).as("then back on its phase").isEqualTo(onTime.get(1) + 2 * INTERVAL.toNanos());
	}

	private void open(int count) {
		for (int i = 0; i < count; i++) {
			this.registry.add(Sessions.tracked(Sessions.connection("s" + i, "10.0." + (i / 250) + "." + (i % 250)),
					this.clock, this.properties));
		}
	}

	private void runPassesFor(Duration duration) {
		for (long passes = duration.dividedBy(this.pinger.passPeriod()); passes > 0; passes--) {
			this.pinger.pingDueSessions();
			this.clock.advance(this.pinger.passPeriod());
		}
	}

	/** Records each ping's planned departure, in nanoseconds since the test began, instead of sending it. */
	private static final class RecordingTasks extends SessionTasks {

		private final ManualClock clock;

		private final long start;

		private final Map<String, List<Long>> pingTimes = new HashMap<>();

		RecordingTasks(HeartbeatProperties properties, ManualClock clock) {
			super(properties, clock);
			this.clock = clock;
			this.start = clock.nanoTime();
			destroy();
		}

		@Override
		void ping(TrackedSession session, Duration delay) {
			this.pingTimes.computeIfAbsent(session.id(), (id) -> new ArrayList<>()).add(elapsed() + delay.toNanos());
		}

		long elapsed() {
			return this.clock.nanoTime() - this.start;
		}

		Map<String, List<Long>> pingTimesBySession() {
			return this.pingTimes;
		}

	}

}

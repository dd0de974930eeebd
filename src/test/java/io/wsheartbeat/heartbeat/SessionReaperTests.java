package io.wsheartbeat.heartbeat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.TestProperties;
import io.wsheartbeat.heartbeat.protocol.CloseCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

class SessionReaperTests {

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties.defaults();

	private final SessionRegistry registry = new SessionRegistry(this.properties);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final SessionTasks tasks = new SessionTasks(this.properties, this.clock);

	private final SessionReaper reaper = new SessionReaper(this.properties, this.registry, this.tasks, this.clock,
			new HeartbeatMetrics(this.meters, this.registry));

	@AfterEach
	void stopTasks() {
		this.tasks.destroy();
	}

	@Test
	void shouldCloseASessionSilentPastTheServerTimeoutWith4000() throws Exception {
		WebSocketSession connection = open("silent");

		this.clock.advance(Duration.ofSeconds(40));
		assertThat(this.reaper.reap()).as("exactly at the deadline it is still alive").isZero();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(this.reaper.reap()).isEqualTo(1);

		verify(connection, timeout(5000)).close(CloseCodes.HEARTBEAT_TIMEOUT);
		assertThat(this.registry.size()).isZero();
		assertThat(this.meters.counter("heartbeat.reaped").count()).isEqualTo(1);
	}

	@Test
	void shouldNeverReapASessionThatKeepsBeating() throws Exception {
		WebSocketSession connection = open("beating");
		TrackedSession session = this.registry.find("beating").orElseThrow();

		for (int beat = 0; beat < 100; beat++) {
			this.clock.advance(Duration.ofSeconds(10));
			session.messageReceived(this.clock.nanoTime(), 50);
			assertThat(this.reaper.reap()).isZero();
		}
		verify(connection, never()).close(org.mockito.ArgumentMatchers.any());
	}

	@Test
	void shouldKeepASessionThatDeclaredALongIntervalForOneAndAHalfIntervals() throws Exception {
		WebSocketSession connection = open("slow");
		TrackedSession session = this.registry.find("slow").orElseThrow();
		session.intervalDeclared(Duration.ofSeconds(60), this.properties.deadlineFor(Duration.ofSeconds(60)));

		this.clock.advance(Duration.ofSeconds(89));
		assertThat(this.reaper.reap()).as("past server-timeout, within 1.5 x 60 s").isZero();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.reaper.reap()).isEqualTo(1);
		verify(connection, timeout(5000)).close(CloseCodes.HEARTBEAT_TIMEOUT);
	}

	@Test
	void shouldReapASessionThatOnlyAnswersPings() {
		open("pongs-only");
		TrackedSession session = this.registry.find("pongs-only").orElseThrow();

		for (int second = 0; second < 41; second++) {
			this.clock.advance(Duration.ofSeconds(1));
			session.pongReceived(this.clock.nanoTime(), ByteBuffer.allocate(0));
		}

		assertThat(this.reaper.reap()).isEqualTo(1);
	}

	@Test
	void shouldNotReapAnyoneWhenOnlyTheWallClockJumps() {
		open("a");
		open("b");
		TrackedSession a = this.registry.find("a").orElseThrow();
		// A wall-clock jump of a day changes nothing the reaper reads: silence is monotonic time.
		assertThat(a.connectedAt().plus(Duration.ofDays(1))).isAfter(a.connectedAt());

		this.clock.advance(Duration.ofSeconds(39));
		assertThat(this.reaper.reap()).isZero();
		assertThat(this.registry.size()).isEqualTo(2);
	}

	@Test
	void shouldCountAReapOnceEvenIfTheConnectionClosesMeanwhile() throws Exception {
		open("racing");
		this.clock.advance(Duration.ofSeconds(41));
		assertThat(this.reaper.reap()).isEqualTo(1);

		assertThat(this.registry.remove("racing", CloseCodes.HEARTBEAT_TIMEOUT)).as("the close that follows finds it gone").isEmpty();
		assertThat(this.reaper.reap()).isZero();
		assertThat(this.meters.counter("heartbeat.reaped").count()).isEqualTo(1);
	}

	@Test
	void shouldRecordHowLongAPassTook() {
		for (int i = 0; i < 100; i++) {
			open("s" + i);
		}
		this.reaper.reap();
		await().until(() -> this.meters.timer("heartbeat.reaper.pass").count() == 1);
	}

	private WebSocketSession open(String id) {
		WebSocketSession connection = Sessions.connection(id);
		this.registry.add(Sessions.tracked(connection, this.clock, this.properties));
		return connection;
	}

}

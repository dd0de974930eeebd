package io.wsheartbeat.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;
import io.wsheartbeat.heartbeat.protocol.CloseCodes;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class ServerViewTests {

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties.of(Map.of("heartbeat.view.enabled", "true"));

	private final SessionRegistry registry = mock(SessionRegistry.class);

	private final ServerView view = new ServerView(this.registry, this.properties, this.clock, Clock.systemUTC());

	@Test
	void shouldKeepAClosedSessionInTheViewWithItsFirstCodeUntilItAgesOut() {
		TrackedSession reaped = open("reaped");
		this.view.sessionClosed(reaped, CloseCodes.HEARTBEAT_TIMEOUT);

		SessionsView now = this.view.view();
		assertThat(now.recentlyClosed()).singleElement().satisfies((closed) -> {
			assertThat(closed.session().id()).isEqualTo("reaped");
			assertThat(closed.closeCode()).isEqualTo(4000);
			assertThat(closed.closeReason()).isEqualTo("heartbeat timeout");
		});

		this.clock.advance(this.properties.view().keepClosed().plusMillis(1));
		assertThat(this.view.view().recentlyClosed()).isEmpty();
	}

	@Test
	void shouldKeepOnlyTheNewestClosedSessions() {
		int max = this.properties.view().maxClosed();
		for (int i = 0; i < max + 10; i++) {
			this.view.sessionClosed(open("s" + i), CloseCodes.HEARTBEAT_TIMEOUT);
		}

		List<ClosedSession> closed = this.view.view().recentlyClosed();
		assertThat(closed).hasSize(max);
		assertThat(closed.get(0).session().id()).as("newest first").isEqualTo("s" + (max + 9));
	}

	@Test
	void shouldRememberNothingWhileTheViewIsOff() {
		HeartbeatProperties off = TestProperties.defaults();
		ServerView view = new ServerView(this.registry, off, this.clock, Clock.systemUTC());

		view.sessionClosed(open("a"), CloseStatus.NORMAL);

		assertThat(view.isEnabled()).isFalse();
		assertThat(view.view().recentlyClosed()).isEmpty();
	}

	@Test
	void shouldListTheRegistrysOpenSessionsOldestFirst() {
		TrackedSession older = open("b");
		this.clock.advance(Duration.ofMillis(1));
		TrackedSession newer = open("a");
		given(this.registry.sessions()).willReturn(List.of(newer, older));

		assertThat(this.view.open()).extracting(SessionSnapshot::id).containsExactly("b", "a");
	}

	@Test
	void snapshotShowsSilenceDeadlinePongAndDeclaredInterval() {
		TrackedSession session = mock(TrackedSession.class);
		given(session.id()).willReturn("a");
		given(session.remoteAddress()).willReturn("[::1]:40000");
		given(session.connectedAt()).willReturn(Instant.parse("2026-11-25T10:00:00Z"));
		given(session.connectedAtNanos()).willReturn(0L);
		given(session.lastActiveNanos()).willReturn(Duration.ofMillis(500).toNanos());
		given(session.silenceAllowed()).willReturn(Duration.ofSeconds(45));
		given(session.lastPongNanos()).willReturn(TrackedSession.NEVER);
		given(session.rttNanos()).willReturn(Duration.ofMillis(12).toNanos());
		given(session.declaredInterval()).willReturn(Duration.ofSeconds(30));

		SessionSnapshot snapshot = SessionSnapshot.of(session, null, Duration.ofMillis(2000).toNanos());

		assertThat(snapshot.ageMillis()).isEqualTo(2000);
		assertThat(snapshot.silentForMillis()).isEqualTo(1500);
		assertThat(snapshot.deadlineMillis()).isEqualTo(45_000);
		assertThat(snapshot.lastPongAgoMillis()).as("no pong yet").isNull();
		assertThat(snapshot.rttMillis()).isEqualTo(12);
		assertThat(snapshot.declaredIntervalMillis()).isEqualTo(30_000);
	}

	private TrackedSession open(String id) {
		return Sessions.tracked(Sessions.connection(id), this.clock, this.properties);
	}

}

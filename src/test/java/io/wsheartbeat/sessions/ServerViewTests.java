package io.wsheartbeat.sessions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class ServerViewTests {

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties.defaults();

	private final ViewProperties settings = TestProperties.of("heartbeat.view", ViewProperties.class,
			Map.of("heartbeat.view.enabled", "true"));

	private final SessionRegistry registry = mock(SessionRegistry.class);

	private final ServerView view = new ServerView(this.registry, this.settings, this.clock, Clock.systemUTC());

	@Test
	void shouldKeepAClosedSessionInTheViewWithItsFirstCodeUntilItAgesOut() {
		TrackedSession reaped = open("reaped");
		this.view.sessionClosed(reaped, CloseCodes.HEARTBEAT_TIMEOUT);

		SessionsView now = this.view.view(null, 100);
		assertThat(now.recentlyClosed()).singleElement().satisfies((closed) -> {
			assertThat(closed.session().id()).isEqualTo("reaped");
			assertThat(closed.closeCode()).isEqualTo(4000);
			assertThat(closed.closeReason()).isEqualTo("heartbeat timeout");
		});

		this.clock.advance(this.settings.keepClosed().plusMillis(1));
		assertThat(this.view.view(null, 100).recentlyClosed()).isEmpty();
	}

	@Test
	void shouldKeepOnlyTheNewestClosedSessions() {
		int max = this.settings.maxClosed();
		for (int i = 0; i < max + 10; i++) {
			this.view.sessionClosed(open("s" + i), CloseCodes.HEARTBEAT_TIMEOUT);
		}

		List<ClosedSession> closed = this.view.view(null, 100).recentlyClosed();
		assertThat(closed).hasSize(max);
		assertThat(closed.get(0).session().id()).as("newest first").isEqualTo("s" + (max + 9));
	}

	@Test
	void shouldRememberNothingWhileTheViewIsOff() {
		ViewProperties off = TestProperties.of("heartbeat.view", ViewProperties.class, Map.of());
		ServerView view = new ServerView(this.registry, off, this.clock, Clock.systemUTC());

		view.sessionClosed(open("a"), CloseStatus.NORMAL);

		assertThat(view.isEnabled()).isFalse();
		assertThat(view.view(null, 100).recentlyClosed()).isEmpty();
	}

	@Test
	void shouldListTheRegistrysOpenSessionsOldestFirst() {
		TrackedSession older = open("b");
		this.clock.advance(Duration.ofMillis(1));
		TrackedSession newer = open("a");
		given(this.registry.sessions()).willReturn(List.of(newer, older));

		assertThat(this.view.page(null, 100).sessions()).extracting(SessionSnapshot::id).containsExactly("b", "a");
	}

	@Test
	void shouldPageThroughItsOwnSessionsWithTheCursorEachPageGives() {
		List<TrackedSession> sessions = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			sessions.add(open("s" + i));
			this.clock.advance(Duration.ofMillis(1));
		}
		given(this.registry.sessions()).willReturn(sessions);
		given(this.registry.size()).willReturn(sessions.size());

		SessionsPage first = this.view.page(null, 2);
		SessionsPage second = this.view.page(first.next(), 2);
		SessionsPage last = this.view.page(second.next(), 2);

		assertThat(first.sessions()).extracting(SessionSnapshot::id).containsExactly("s0", "s1");
		assertThat(second.sessions()).extracting(SessionSnapshot::id).containsExactly("s2", "s3");
		assertThat(last.sessions()).extracting(SessionSnapshot::id).containsExactly("s4");
		assertThat(last.next()).as("after the last page").isNull();
		assertThat(first.total()).isEqualTo(5);
	}

	@Test
	void shouldRefuseACursorItDidNotMake() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.view.page("../../etc", 10));
		assertThatIllegalArgumentException().isThrownBy(() -> this.view.page("~x1", 10));
	}

	@Test
	void aClusterPageGoesNodeByNodeAndSaysWhichNodeItLacks() {
		TrackedSession own = open("own");
		given(this.registry.sessions()).willReturn(List.of(own));
		given(this.registry.size()).willReturn(1);
		Map<String, List<String>> held = Map.of("node-a", List.of("a1", "a2", "a3"), "node-c", List.of("c1"));
		OtherNodes others = new OtherNodes() {

			@Override
			public ClusterSummary summary() {
				return new ClusterSummary("node-b", true,
						List.of(new ClusterSummary.Node("node-a", "a:1", 3, null),
								new ClusterSummary.Node("node-b", "b:1", 1, null),
								new ClusterSummary.Node("node-c", "c:1", 1, null),
								new ClusterSummary.Node("node-d", "d:1", 7, null)));
			}

			@Override
			public Slice sessions(String node, String position, int limit, Instant now) {
				if (!held.containsKey(node)) {
					throw new IllegalStateException("node-d cannot be read");
				}
				List<String> ids = held.get(node);
				int from = (position != null) ? Integer.parseInt(position) : 0;
				int to = Math.min(ids.size(), from + limit);
				return new Slice(ids.subList(from, to)
					.stream()
					.map((id) -> SessionSnapshot.elsewhere(id, node, "x", Instant.EPOCH, now))
					.toList(), (to < ids.size()) ? String.valueOf(to) : null);
			}

			@Override
			public List<ClosedSession> closed(int max, Instant now, long nowNanos) {
				return List.of();
			}

		};
		ServerView view = new ServerView(this.registry, this.settings, this.clock, Clock.systemUTC(), "node-b", others);

		List<String> seen = new ArrayList<>();
		List<String> missing = new ArrayList<>();
		String cursor = null;
		int pages = 0;
		do {
			SessionsPage page = view.page(cursor, 2);
			page.sessions().forEach((session) -> seen.add(session.id()));
			missing.addAll(page.missing());
			assertThat(page.total()).as("every node's count").isEqualTo(12);
			cursor = page.next();
		}
		while (cursor != null && ++pages < 10);

		assertThat(seen).containsExactly("a1", "a2", "a3", "own", "c1");
		assertThat(missing).as("the node that could not be read, named").containsExactly("node-d");
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

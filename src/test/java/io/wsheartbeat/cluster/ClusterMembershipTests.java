package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The membership driven pass by pass against a store in memory, on clocks the test sets: what
 * a failure costs, what an outage of the store does to the leases, and who may hold an id.
 */
class ClusterMembershipTests {

	private static final long LEASE = 5000;

	private final InMemoryClusterStore store = new InMemoryClusterStore(LEASE, 2000);

	private final ManualClock clock = new ManualClock();

	private final Node one = new Node("node-1");

	private final Node two = new Node("node-2");

	@Test
	void aRenewalThatFailsCostsARetryAndNoRegistration() {
		this.one.pass();
		this.store.loseAnswers(1);
		this.one.renew();
		this.one.renew();

		assertThat(this.store.registrations).as("registered at start only").isEqualTo(1);
		assertThat(this.one.state.isReachable()).as("the retry was answered").isTrue();
		assertThat(this.one.counter("heartbeat.cluster.lease.renewals.failed")).isEqualTo(1);
	}

	@Test
	void aBatchWhoseAnswerWasLostIsSentAgainWholeAndNothingElseHappens() {
		this.one.pass();
		this.one.open("a");
		this.one.open("b");
		this.store.loseAnswers(1);
		this.one.pass();
		this.one.pass();

		assertThat(this.store.sessions.get("node-1")).containsOnlyKeys("a", "b");
		assertThat(this.store.registrations).isEqualTo(1);
	}

	@Test
	void aStoreAwayForThreeLeasesComesBackWithEveryNodeStillInIt() {
		this.one.pass();
		this.two.pass();
		this.store.down = true;
		for (int i = 0; i < 15; i++) {
			this.store.now += 1000;
			this.one.renew();
			this.two.renew();
		}
		assertThat(this.one.state.isReachable()).isFalse();
		this.store.down = false;

		this.store.now += 1000;
		this.one.renew();
		this.two.renew();

		assertThat(this.store.nodes).containsOnlyKeys("node-1", "node-2");
		assertThat(this.store.registrations).as("no node registered again").isEqualTo(2);
		assertThat(this.one.counter("heartbeat.cluster.nodes.lost") + this.two.counter("heartbeat.cluster.nodes.lost"))
			.isZero();
		assertThat(this.one.state.liveNodes()).isEqualTo(2);
	}

	@Test
	void aNodeThatDoesNotComeBackAfterAnOutageIsLostOneLeaseLater() {
		this.one.pass();
		this.two.pass();
		this.store.now += 20_000; // the store was away; node-2 died meanwhile
		this.one.renew();
		assertThat(this.store.nodes).as("no one judged after an outage").containsKey("node-2");

		for (int i = 0; i < 5; i++) {
			this.store.now += 1000;
			this.one.renew();
		}
		assertThat(this.store.nodes).as("still within its grace").containsKey("node-2");
		this.store.now += 1000;
		this.one.renew();

		assertThat(this.store.nodes).containsOnlyKeys("node-1");
		assertThat(this.one.counter("heartbeat.cluster.nodes.lost")).isEqualTo(1);
	}

	@Test
	void aNodeFrozenPastItsLeaseWhileOthersRenewRegistersAgainWithItsSessions() {
		this.one.pass();
		this.two.pass();
		this.one.open("a");
		this.one.pass();
		for (int i = 0; i < 6; i++) {
			this.store.now += 1000;
			this.two.renew(); // node-1 is frozen
		}
		assertThat(this.store.nodes).doesNotContainKey("node-1");

		this.one.renew();
		this.clock.advance(Duration.ofSeconds(1));
		this.one.pass();

		assertThat(this.store.sessions.get("node-1")).containsOnlyKeys("a");
		assertThat(this.one.counter("heartbeat.cluster.registrations")).isEqualTo(2);
	}

	@Test
	void aSecondProcessWithALiveNodesIdStaysOutAndNeverTouchesItsSessions() {
		this.one.pass();
		this.one.open("a");
		this.one.pass();
		Node impostor = new Node("node-1");
		impostor.open("x");

		impostor.pass();
		this.clock.advance(Duration.ofSeconds(1));
		impostor.pass();

		assertThat(this.store.sessions.get("node-1")).containsOnlyKeys("a");
		assertThat(this.store.registrations).isEqualTo(1);
		assertThat(impostor.state.outOfCluster()).as("what its health says").contains("held by another live process");
		this.one.renew();
		assertThat(this.one.counter("heartbeat.cluster.lease.renewals.failed")).as("the live node keeps its lease").isZero();

		// The live node stops; its id is free, and the second process joins.
		this.one.membership.stop();
		this.clock.advance(Duration.ofSeconds(1));
		impostor.pass();
		assertThat(this.store.sessions.get("node-1")).containsOnlyKeys("x");
		assertThat(impostor.state.outOfCluster()).isNull();
	}

	@Test
	void anEntryNoOneCanReadIsSkippedAndFailsNoRenewal() {
		this.one.pass();
		this.store.nodes.put("stray", null);

		this.store.now += 1000;
		this.one.renew();

		assertThat(this.one.counter("heartbeat.cluster.lease.renewals.failed")).isZero();
		assertThat(this.store.nodes).containsKey("stray");
	}

	@Test
	void aViewThatCannotReadTheStoreTurnsHealthDegradedWithIt() {
		this.one.pass();
		ClusterSessions view = new ClusterSessions(this.one.self, this.one.held, this.store, this.one.state,
				this.one.cluster);
		ClusterHealthIndicator health = new ClusterHealthIndicator(this.one.state, this.one.self);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		this.store.down = true; // and no renewal has failed yet

		assertThat(view.summary().redisReachable()).as("the view says unavailable").isFalse();
		assertThat(health.health().getStatus()).as("and health says so too").isEqualTo(ClusterHealthIndicator.DEGRADED);
	}

	@Test
	void theViewsListOfClosedSessionsGetsEachCloseWithItsCode() {
		this.one.pass();
		this.one.open("a");
		this.one.pass();
		this.one.close("a", CloseStatus.NORMAL);
		this.one.pass();

		assertThat(this.store.closed).singleElement().satisfies((closed) -> {
			assertThat(closed.id()).isEqualTo("a");
			assertThat(closed.code()).isEqualTo(1000);
			assertThat(closed.node()).isEqualTo("node-1");
		});
	}

	/** One node: its membership, fed by a registry the test fills. */
	private final class Node {

		final SessionRegistry registry = mock(SessionRegistry.class);

		final List<TrackedSession> sessions = new ArrayList<>();

		final SessionChanges changes;

		final ClusterState state;

		final ClusterMembership membership;

		final SimpleMeterRegistry meters = new SimpleMeterRegistry();

		final ThisNode self;

		final LocalSessions held;

		final ClusterProperties cluster;

		Node(String id) {
			HeartbeatProperties properties = TestProperties.of(Map.of("heartbeat.cluster.enabled", "true",
					"heartbeat.cluster.node-id", id, "heartbeat.cluster.address", "127.0.0.1:8080",
					"heartbeat.view.enabled", "true"));
			given(this.registry.sessions()).willReturn(this.sessions);
			given(this.registry.size()).willAnswer((invocation) -> this.sessions.size());
			this.cluster = TestProperties.of("heartbeat.cluster", ClusterProperties.class,
					Map.of("heartbeat.cluster.enabled", "true", "heartbeat.cluster.node-id", id,
							"heartbeat.cluster.address", "127.0.0.1:8080"));
			this.self = new ThisNode(this.cluster, new MockEnvironment(), Clock.systemUTC());
			this.changes = new SessionChanges(properties, Clock.systemUTC());
			this.held = new LocalSessions.Registry(this.registry);
			this.state = new ClusterState(this.self, this.held, Clock.systemUTC());
			ClusterMetrics metrics = new ClusterMetrics(this.meters, this.state);
			this.membership = new ClusterMembership(properties, this.cluster, this.self, this.held, this.changes,
					ClusterMembershipTests.this.store, this.state, metrics, ClusterMembershipTests.this.clock);
		}

		void pass() {
			this.membership.pass();
		}

		void renew() {
			this.membership.renew();
		}

		void open(String id) {
			TrackedSession session = mock(TrackedSession.class);
			given(session.id()).willReturn(id);
			given(session.remoteAddress()).willReturn("127.0.0.1:5000");
			given(session.connectedAt()).willReturn(Instant.parse("2026-12-05T00:00:00Z"));
			this.sessions.add(session);
			this.changes.sessionOpened(session);
		}

		void close(String id, CloseStatus status) {
			TrackedSession session = this.sessions.stream().filter((s) -> s.id().equals(id)).findFirst().orElseThrow();
			this.sessions.remove(session);
			this.changes.sessionClosed(session, status);
		}

		double counter(String name) {
			return this.meters.get(name).counter().count();
		}

	}

}

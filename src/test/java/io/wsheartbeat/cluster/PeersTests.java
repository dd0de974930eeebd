package io.wsheartbeat.cluster;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import io.wsheartbeat.cluster.Peers.Gone;
import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.sessions.SessionSnapshot;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How one node keeps its copy of the others' sessions: batches applied in order, a missed one
 * noticed, lost and stopped nodes dropped with a reason, and nodes missing after a Redis outage
 * given a lease's time to come back; and what the cluster's gauges count.
 */
class PeersTests {

	private static final long LEASE = 5_000;

	private static final Instant CONNECTED = Instant.parse("2026-12-01T10:00:00Z");

	private final HeartbeatProperties properties = TestProperties
		.of(Map.of("heartbeat.cluster.enabled", "true", "heartbeat.cluster.node-id", "a"));

	private final Clock clock = Clock.fixed(CONNECTED.plusSeconds(60), ZoneOffset.UTC);

	private final Peers peers = new Peers(new ThisNode(this.properties, new MockEnvironment(), this.clock),
			new SessionRegistry(this.properties), this.properties, this.clock);

	private final List<Gone> gone = new ArrayList<>();

	@BeforeEach
	void nodeBHoldsOneSession() {
		this.peers.reachable(LEASE);
		this.peers.replace("b", entry(1, 0, LEASE), Map.of("s1", new Announced("10.0.0.1:5000", CONNECTED)), this.gone);
	}

	@Test
	void shouldListTheOtherNodesSessionsWithTheirNode() {
		List<SessionSnapshot> open = this.peers.openSessions(this.clock.instant());

		assertThat(open).singleElement().satisfies((session) -> {
			assertThat(session.id()).isEqualTo("s1");
			assertThat(session.node()).isEqualTo("b");
			assertThat(session.ageMillis()).isEqualTo(60_000);
			assertThat(session.silentForMillis()).as("judged by its own node only").isNull();
		});
	}

	@Test
	void shouldApplyBatchesInOrderAndRefuseOneThatSkipsAVersion() {
		assertThat(this.peers.apply(changes(1, List.of(opened("s2")), List.of(new Closed("s1", 4000, "heartbeat timeout"))),
				this.gone)).isTrue();
		assertThat(ids()).containsExactly("s2");
		assertThat(this.gone).singleElement().satisfies((closed) -> {
			assertThat(closed.code()).isEqualTo(4000);
			assertThat(closed.reason()).isEqualTo("heartbeat timeout");
		});

		assertThat(this.peers.apply(changes(1, List.of(opened("s9")), List.of()), this.gone)).as("already applied").isTrue();
		assertThat(this.peers.apply(changes(3, List.of(opened("s3")), List.of()), this.gone)).as("version 2 missed")
			.isFalse();
		assertThat(ids()).containsExactly("s2");
	}

	@Test
	void shouldReadANodeWholeWhenItsVersionStaysAheadOverTwoRenewals() {
		Map<String, NodeEntry> ahead = Map.of("b", entry(1, 3, 2 * LEASE));

		assertThat(this.peers.reconcile(1_000, ahead, false, this.gone)).as("a notice may still be on its way").isEmpty();
		assertThat(this.peers.reconcile(2_000, ahead, false, this.gone)).containsExactly("b");
	}

	@Test
	void shouldDropALostNodeWithAReasonThatSaysSo() {
		this.peers.lost("b", 1, this.gone);

		assertThat(ids()).isEmpty();
		assertThat(this.gone).singleElement().satisfies((closed) -> {
			assertThat(closed.session().id()).isEqualTo("s1");
			assertThat(closed.code()).isEqualTo(1006);
			assertThat(closed.reason()).isEqualTo("node b lost: its lease ran out");
		});
	}

	@Test
	void shouldNotDropANewerIncarnationForAnOlderOnesLoss() {
		this.peers.replace("b", entry(2, 0, LEASE), Map.of("s1", new Announced("10.0.0.1:5000", CONNECTED)), this.gone);

		this.peers.lost("b", 1, this.gone);

		assertThat(ids()).containsExactly("s1");
	}

	@Test
	void shouldDropANodeMissingFromRedisOnceItsLeaseRanOut() {
		assertThat(this.peers.reconcile(LEASE - 1, Map.of(), false, this.gone)).isEmpty();
		assertThat(ids()).as("its lease still runs").containsExactly("s1");

		this.peers.reconcile(LEASE + 1, Map.of(), false, this.gone);

		assertThat(ids()).isEmpty();
		assertThat(this.gone).singleElement().extracting(Gone::reason).isEqualTo("node b lost: its lease ran out");
	}

	@Test
	void shouldGiveEveryNodeALeaseToRegisterAgainAfterRedisWasOutOfReach() {
		long back = 3 * LEASE;

		this.peers.reconcile(back, Map.of(), true, this.gone);
		assertThat(ids()).as("Redis restarted empty: b has not registered again yet").containsExactly("s1");

		this.peers.reconcile(back + LEASE + 1, Map.of(), false, this.gone);
		assertThat(ids()).as("b never came back").isEmpty();
	}

	@Test
	void shouldShowNoOtherNodeWhileRedisCannotBeReached() {
		this.peers.unreachable("connection refused");

		assertThat(this.peers.openSessions(this.clock.instant())).isEmpty();
		assertThat(this.peers.summary().redisReachable()).isFalse();
		assertThat(this.peers.summary().nodes()).extracting("id").containsExactly("a");
	}

	@Test
	void shouldCountTheLiveNodesAndTheirSessionsAsTheViewListsThem() {
		this.peers.replace("c", entry(1, 0, LEASE), Map.of("s2", new Announced("10.0.0.2:5000", CONNECTED), "s3",
				new Announced("10.0.0.3:5000", CONNECTED)), this.gone);
		assertThat(this.peers.liveNodes()).as("a, b and c").isEqualTo(3);
		assertThat(this.peers.clusterSessions()).isEqualTo(3);

		this.peers.lost("b", 1, this.gone);
		assertThat(this.peers.liveNodes()).isEqualTo(2);
		assertThat(this.peers.clusterSessions()).isEqualTo(2);

		this.peers.unreachable("connection refused");
		assertThat(this.peers.liveNodes()).as("this node alone, as the view shows it").isEqualTo(1);
		assertThat(this.peers.clusterSessions()).as("this node's own, none").isZero();
	}

	private List<String> ids() {
		return this.peers.openSessions(this.clock.instant()).stream().map(SessionSnapshot::id).toList();
	}

	private static NodeEntry entry(long incarnation, long version, long lease) {
		return new NodeEntry(incarnation, version, lease, 1, "b:8080", 0);
	}

	private static Opened opened(String id) {
		return new Opened(id, "10.0.0.2:5000", CONNECTED);
	}

	private static Notice changes(long version, List<Opened> opened, List<Closed> closed) {
		return Notice.changes("b", 1, version, opened, closed);
	}

}

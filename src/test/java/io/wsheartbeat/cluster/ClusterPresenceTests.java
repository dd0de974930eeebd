package io.wsheartbeat.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsheartbeat.presence.KeyPresence;
import io.wsheartbeat.presence.PresenceEvent;
import io.wsheartbeat.presence.PresencePage;
import io.wsheartbeat.presence.PresenceState;
import io.wsheartbeat.presence.PresenceUnavailableException;
import io.wsheartbeat.presence.Transitions;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.RedisServer;

import static io.wsheartbeat.cluster.ClusterPresenceContractTests.FLUSH;
import static io.wsheartbeat.cluster.ClusterPresenceContractTests.GRACE;
import static io.wsheartbeat.cluster.ClusterPresenceContractTests.RENEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What only the cluster's book meets: a node lost with its keys, Redis back empty, Redis out of
 * reach, and what a transition costs Redis.
 */
class ClusterPresenceTests {

	private static final Logger logger = LoggerFactory.getLogger(ClusterPresenceTests.class);

	private static final Duration LEASE = Duration.ofMillis(1500);

	/**
	 * A killed node's keys turn reconnecting once its lease ran out (the lease), a survivor's
	 * renewal judged it (a renew period) and a survivor's presence call swept it (a renew period
	 * more), with 3 s for a busy two-core machine.
	 */
	private static final Duration LOST_BOUND = LEASE.plus(RENEW.multipliedBy(2)).plus(Duration.ofSeconds(3));

	/**
	 * Redis back empty: each node's renewal finds its lease gone (a renew period), Lettuce
	 * reconnects (at most a second, ClusterConfiguration's delay), the node registers at its next
	 * pass and sends every key it holds (a flush period each), with 5 s for a busy machine.
	 */
	private static final Duration REBUILT_BOUND = RENEW.plus(Duration.ofSeconds(1))
		.plus(FLUSH.multipliedBy(2))
		.plus(Duration.ofSeconds(5));

	private static RedisServer redis;

	@BeforeAll
	static void startRedis() throws IOException {
		RedisServer.assumeInstalled();
		redis = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() throws InterruptedException {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void aLostNodesKeysReconnectNamingItThenGoOfflineUnlessASessionOpensElsewhere() {
		List<PresenceNode> nodes = ClusterPresenceContractTests.startNodes(redis.port(), "node-1", "node-2");
		PresenceNode lost = nodes.get(0);
		PresenceNode survivor = nodes.get(1);
		try {
			lost.book.opened("client:only-there", "s1");
			lost.book.opened("client:back-elsewhere", "s2");
			lost.book.opened("client:on-both", "s3");
			survivor.book.opened("client:on-both", "s4");
			ClusterPresenceContractTests.settle(nodes);
			assertThat(survivor.book.page(null, 10).counts()).isEqualTo(new PresencePage.Counts(3, 0, 0));

			lost.kill();
			String reason = Transitions.nodeLost("node-1");
			await("the lost node's keys reconnecting").atMost(LOST_BOUND)
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertThat(survivor.book.page(null, 10).keys())
					.extracting(KeyPresence::key, KeyPresence::state, KeyPresence::reason)
					.containsExactly(tuple("client:back-elsewhere", PresenceState.RECONNECTING, reason),
							tuple("client:on-both", PresenceState.ONLINE, Transitions.CONNECTED),
							tuple("client:only-there", PresenceState.RECONNECTING, reason)));
			assertThat(survivor.book.find("client:on-both")).map(KeyPresence::sessions)
				.hasValue(List.of(new KeyPresence.Session("s4", "node-2")));

			survivor.book.opened("client:back-elsewhere", "s5");
			await("the grace ran out for the key with no session, not for the one back elsewhere")
				.atMost(GRACE.plus(LOST_BOUND))
				.pollInterval(Duration.ofMillis(20))
				.untilAsserted(() -> assertThat(survivor.book.page(null, 10).keys())
					.extracting(KeyPresence::key, KeyPresence::state, KeyPresence::reason)
					.containsExactly(tuple("client:back-elsewhere", PresenceState.ONLINE, Transitions.RECONNECTED),
							tuple("client:on-both", PresenceState.ONLINE, Transitions.CONNECTED),
							tuple("client:only-there", PresenceState.OFFLINE, Transitions.GRACE_RAN_OUT)));
			assertThat(survivor.events).filteredOn((event) -> event.key().equals("client:back-elsewhere"))
				.extracting(PresenceEvent::state)
				.containsExactly(PresenceState.ONLINE, PresenceState.RECONNECTING, PresenceState.ONLINE);
		}
		finally {
			nodes.forEach(PresenceNode::close);
		}
	}

	@Test
	void redisBackEmptyIsGivenEveryKeyAgainByTheNodesThatHoldThem() throws Exception {
		try (RedisServer own = RedisServer.start()) {
			List<PresenceNode> nodes = ClusterPresenceContractTests.startNodes(own.port(), "node-1", "node-2");
			try {
				nodes.get(0).book.opened("user:ada", "s1");
				nodes.get(1).book.opened("user:ada", "s2");
				nodes.get(1).book.opened("user:bob", "s3");
				ClusterPresenceContractTests.settle(nodes);
				long before = nodes.get(1).events.get(nodes.get(1).events.size() - 1).sequence();

				own.kill();
				own.startAgain();
				assertThat(own.keys("*")).as("Redis came back empty").isEmpty();

				await("every key online again, with every session").atMost(REBUILT_BOUND)
					.pollInterval(Duration.ofMillis(50))
					.ignoreExceptionsInstanceOf(PresenceUnavailableException.class)
					.untilAsserted(() -> {
						PresencePage page = nodes.get(0).book.page(null, 10);
						assertThat(page.counts()).isEqualTo(new PresencePage.Counts(2, 0, 0));
						assertThat(page.keys()).extracting(KeyPresence::key, KeyPresence::state)
							.containsExactly(tuple("user:ada", PresenceState.ONLINE), tuple("user:bob", PresenceState.ONLINE));
						assertThat(page.keys().get(0).sessions()).containsExactlyInAnyOrder(
								new KeyPresence.Session("s1", "node-1"), new KeyPresence.Session("s2", "node-2"));
					});
				await("the events go on past where they stood, on both nodes").atMost(REBUILT_BOUND)
					.untilAsserted(() -> {
						for (PresenceNode node : nodes) {
							assertThat(node.events.get(node.events.size() - 1).sequence()).isGreaterThan(before);
							assertThat(node.events).extracting(PresenceEvent::sequence).isSorted().doesNotHaveDuplicates();
						}
					});
			}
			finally {
				nodes.forEach(PresenceNode::close);
			}
		}
	}

	@Test
	void whileRedisCannotBeReachedAPageIsRefusedAndTheNodeCountsRedisAway() throws Exception {
		try (RedisServer own = RedisServer.start()) {
			List<PresenceNode> nodes = ClusterPresenceContractTests.startNodes(own.port(), "node-1");
			try {
				PresenceNode node = nodes.get(0);
				assertThat(node.book.page(null, 10).keys()).isEmpty();
				own.kill();
				assertThatExceptionOfType(PresenceUnavailableException.class).isThrownBy(() -> node.book.page(null, 10))
					.withMessageContaining("Redis");
				assertThatExceptionOfType(PresenceUnavailableException.class).isThrownBy(() -> node.book.find("user:ada"));
				assertThat(node.state.isReachable()).as("health and the views say so too").isFalse();
			}
			finally {
				nodes.forEach(PresenceNode::close);
			}
		}
	}

	/**
	 * One node driven pass by pass on a clock the test sets, so that nothing but what the test
	 * asks reaches Redis: Redis's own count of every command, those inside the script included.
	 */
	@Test
	void aTransitionCostsRedisAFewCommandsAndAQuietNodeOneCallPerRenewPeriod() throws Exception {
		try (RedisServer own = RedisServer.start()) {
			ManualClock clock = new ManualClock();
			Map<String, String> settings = new HashMap<>(ClusterPresenceContractTests.SETTINGS);
			try (PresenceNode node = new PresenceNode("node-1", own.port(), settings, clock)) {
				node.membership.pass(); // registers, and reads where the events stand
				assertThat(node.book.calls()).isEqualTo(1);

				Map<String, Long> idle = commandsOf(own, () -> {
					clock.advance(RENEW);
					node.membership.pass();
				});
				Map<String, Long> nothing = commandsOf(own, node.membership::pass);
				assertThat(nothing).as("a pass within the renew period with nothing changed").isEmpty();

				int keys = 100;
				Map<String, Long> connected = commandsOf(own, () -> {
					for (int i = 0; i < keys; i++) {
						node.book.opened("client:k" + i, "s" + i);
					}
					node.membership.pass();
				});
				Map<String, Long> reconnecting = commandsOf(own, () -> {
					for (int i = 0; i < keys; i++) {
						node.book.closed("client:k" + i, "s" + i, 1006, "");
					}
					node.membership.pass();
				});
				Map<String, Long> offline = commandsOf(own, () -> {
					clock.advance(RENEW);
					await().atMost(GRACE.plus(Duration.ofSeconds(5))).pollInterval(Duration.ofMillis(50)).until(() -> {
						clock.advance(RENEW);
						node.membership.pass();
						return node.book.page(null, 1).counts().offline() == keys;
					});
				});
				long perCall = total(idle);
				logger.info("Redis commands: an idle call {} ({}); {} keys connected {} ({}); reconnecting {} ({})", perCall,
						idle, keys, total(connected), connected, total(reconnecting), reconnecting);
				assertThat(perCall).as("a call with nothing to write: the script and what it reads").isLessThanOrEqualTo(10);
				assertThat((double) (total(connected) - perCall) / keys).as("commands per key connected")
					.isLessThanOrEqualTo(5);
				assertThat((double) (total(reconnecting) - perCall) / keys).as("commands per key reconnecting")
					.isLessThanOrEqualTo(5);
				assertThat(offline.getOrDefault("xadd", 0L)).as("one event per key whose grace ran out").isEqualTo(keys);
				assertThat(node.commandsSent()).as("what the node counted it sent")
					.isGreaterThanOrEqualTo((double) (connected.get("evalsha") + reconnecting.get("evalsha")));
			}
		}
	}

	private interface Step {

		void run() throws Exception;

	}

	private static Map<String, Long> commandsOf(RedisServer redis, Step step) throws Exception {
		Map<String, Long> before = redis.commandCalls();
		step.run();
		Map<String, Long> after = redis.commandCalls();
		Map<String, Long> delta = new java.util.TreeMap<>();
		after.forEach((command, calls) -> {
			long added = calls - before.getOrDefault(command, 0L);
			if (added > 0) {
				delta.put(command, added);
			}
		});
		return delta;
	}

	private static long total(Map<String, Long> commands) {
		return commands.values().stream().mapToLong(Long::longValue).sum();
	}

}

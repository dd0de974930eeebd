package io.wsheartbeat.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.presence.PresenceBook;
import io.wsheartbeat.presence.PresenceBookContract;
import io.wsheartbeat.presence.PresenceEvent;
import io.wsheartbeat.support.RedisServer;

import static org.awaitility.Awaitility.await;

/**
 * The contract against the cluster's book: two nodes in this process, each with its own Redis
 * client and threads, on one redis-server, in real time with short periods. Each test has a key
 * prefix of its own, so it starts from an empty book without restarting Redis.
 */
class ClusterPresenceContractTests extends PresenceBookContract {

	static final Duration FLUSH = Duration.ofMillis(100);

	static final Duration RENEW = Duration.ofMillis(250);

	static final Duration GRACE = Duration.ofMillis(1500);

	static final Duration KEEP_OFFLINE = Duration.ofSeconds(2);

	/**
	 * What a change needs to show: a flush period to be written and a renew period for the other
	 * node's next call to read its event; what the grace and keep-offline add when they must run
	 * out; and 3 s for a busy two-core machine, where each of those can come late.
	 */
	static final Duration BOUND = FLUSH.plus(RENEW).plus(GRACE).plus(KEEP_OFFLINE).plus(Duration.ofSeconds(3));

	static final Map<String, String> SETTINGS = Map.of("heartbeat.cluster.flush-period", FLUSH.toMillis() + "ms",
			"heartbeat.cluster.renew-period", RENEW.toMillis() + "ms", "heartbeat.cluster.lease", "1500ms",
			"heartbeat.presence.enabled", "true", "heartbeat.presence.grace", GRACE.toMillis() + "ms",
			"heartbeat.presence.keep-offline", KEEP_OFFLINE.toMillis() + "ms");

	private static RedisServer redis;

	private List<PresenceNode> nodes;

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

	/** Two nodes under a prefix of their own, started, each having read where the events stand. */
	static List<PresenceNode> startNodes(int port, String... ids) {
		Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
		settings.put("heartbeat.cluster.key-prefix", "t" + UUID.randomUUID().toString().substring(0, 8));
		List<PresenceNode> started = java.util.Arrays.stream(ids)
			.map((id) -> new PresenceNode(id, port, settings, MonotonicClock.system()).start())
			.toList();
		await("every node registered and read where the events stand").atMost(Duration.ofSeconds(10))
			.until(() -> started.stream().allMatch((node) -> node.book.calls() > 0));
		return started;
	}

	@BeforeEach
	void startNodes() {
		this.nodes = startNodes(redis.port(), "node-1", "node-2");
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(PresenceNode::close);
	}

	@Override
	protected PresenceBook book(int index) {
		return this.nodes.get(index).book;
	}

	@Override
	protected List<List<PresenceEvent>> events() {
		return this.nodes.stream().map((node) -> node.events).toList();
	}

	@Override
	protected void eventually(String why, Runnable assertion) {
		await(why).atMost(BOUND).pollInterval(Duration.ofMillis(20)).untilAsserted(assertion::run);
	}

	/**
	 * Two calls of every node after now: the one under way may have taken its keys before they
	 * changed, the next took them after; nothing marked means none was put back. Then one more
	 * each, so that each has read the others' events.
	 */
	@Override
	protected void settle() {
		settle(this.nodes);
	}

	static void settle(List<PresenceNode> nodes) {
		for (int round = 0; round < 2; round++) {
			for (PresenceNode node : nodes) {
				long calls = node.book.calls();
				int more = (round == 0) ? 2 : 1;
				await("node " + node.id + " wrote what it was told").atMost(BOUND)
					.pollInterval(Duration.ofMillis(10))
					.until(() -> node.book.calls() >= calls + more && node.book.isQuiet());
			}
		}
	}

	@Override
	protected void throughTheGrace(String why, Runnable assertion) {
		await(why).during(GRACE.plus(RENEW).plus(FLUSH))
			.atMost(GRACE.plus(BOUND))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(assertion::run);
	}

	@Override
	protected void keepOfflineRunsOut() {
	}

	@Override
	protected void graceRunsOut() {
	}

}

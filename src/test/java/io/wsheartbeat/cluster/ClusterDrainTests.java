package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import io.wsheartbeat.support.RedisServer;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node of a cluster (real redis-server) stopped with SIGTERM while it holds sessions: it drains
 * them with 1012, every view shows them closed with that code, none as lost, and the node leaves
 * the cluster after its last session, at once, not when its lease runs out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterDrainTests {

	private static final Logger logger = LoggerFactory.getLogger(ClusterDrainTests.class);

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private static final Duration DRAIN = Duration.ofSeconds(2);

	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final int CLIENTS = 40;

	private RedisServer redis;

	private NodeProcess draining;

	private NodeProcess survivor;

	@BeforeAll
	void startRedisAndTwoNodes() throws Exception {
		RedisServer.assumeInstalled();
		this.redis = RedisServer.start();
		this.draining = NodeProcess.start("draining-node", this.redis.port(),
				"--heartbeat.shutdown.drain=" + DRAIN.toMillis() + "ms");
		this.survivor = NodeProcess.start("survivor-node", this.redis.port());
		await("both nodes up and in the cluster").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> this.draining.hasJoined() && this.survivor.hasJoined());
	}

	@AfterAll
	void stopAll() throws Exception {
		for (NodeProcess node : new NodeProcess[] { this.draining, this.survivor }) {
			if (node != null) {
				node.close();
			}
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void aDrainedSessionLeavesEveryViewClosedWith1012AndTheNodeLeavesAfterItsLast() throws Exception {
		List<WireClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(WireClient.connect(this.draining.port()));
			}
			Set<String> ids = clients.stream()
				.map((c) -> c.awaitFrame("welcome").path("sessionId").asString())
				.collect(Collectors.toSet());
			await("the survivor lists them").atMost(Duration.ofSeconds(5))
				.until(() -> this.survivor.listedSessions().containsAll(ids));

			this.draining.terminate();
			long stopped = System.nanoTime();

			for (WireClient client : clients) {
				WireClient.Closed closed = client.closed().orTimeout(DRAIN.toMillis() + 10_000, TimeUnit.MILLISECONDS).join();
				assertThat(closed.code()).as("drained with 1012").isEqualTo(1012);
				assertThat(closed.reason()).isEqualTo("service restart; reconnect within " + DRAIN.toMillis() + " ms");
			}
			await("the drained node exits").atMost(Duration.ofSeconds(15)).until(() -> !this.draining.isAlive());
			long exited = System.nanoTime();
			// Well within a lease of its exit: it left, the others did not have to find it lost.
			await("the survivor no longer lists the node").atMost(LEASE.dividedBy(2))
				.until(() -> !nodeIds(this.survivor).contains("draining-node"));
			logger.info("Drained {} sessions; the node exited {} ms after SIGTERM and left the survivor's list within {} ms of its exit",
					CLIENTS, TimeUnit.NANOSECONDS.toMillis(exited - stopped),
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exited));

			assertThat(this.survivor.listedSessions()).as("none still open in the survivor's view").doesNotContainAnyElementsOf(ids);
			Map<String, JsonNode> closed = NodeProcess.stream(this.survivor.view().path("recentlyClosed"))
				.filter((entry) -> ids.contains(entry.path("session").path("id").asString()))
				.collect(Collectors.toMap((entry) -> entry.path("session").path("id").asString(), (entry) -> entry,
						(a, b) -> a));
			assertThat(closed.keySet()).as("every drained session among the survivor's recently closed").isEqualTo(ids);
			assertThat(closed.values().stream().map((entry) -> entry.path("closeCode").asInt()).distinct().toList())
				.as("closed with its code, 1012, not lost (1006)").containsExactly(1012);
			assertThat(this.draining.log()).contains("Readiness is REFUSING_TRAFFIC", "draining " + CLIENTS + " session(s)",
					"left the cluster");
			assertThat(this.survivor.log()).as("the survivor found no node lost").doesNotContain("draining-node lost");
			// After the last close was written, not before: readiness, drain, then the cluster.
			String log = this.draining.log();
			assertThat(log.indexOf("Readiness is REFUSING_TRAFFIC")).isLessThan(log.indexOf("draining " + CLIENTS));
			assertThat(log.indexOf("Shutting down: closed " + CLIENTS)).isLessThan(log.indexOf("left the cluster"));
		}
		finally {
			clients.forEach(WireClient::close);
		}
	}

	@Test
	void aSecondSigtermEndsTheDrainAndTheRestHear1001() throws Exception {
		Duration longDrain = Duration.ofSeconds(20);
		List<WireClient> clients = new ArrayList<>();
		try (NodeProcess node = NodeProcess.start("impatient-node", this.redis.port(),
				"--heartbeat.shutdown.drain=" + longDrain.toSeconds() + "s")) {
			await("the node up").atMost(STARTUP).pollInterval(Duration.ofMillis(250)).until(node::hasJoined);
			for (int i = 0; i < CLIENTS; i++) {
				clients.add(WireClient.connect(node.port()));
			}
			clients.forEach((c) -> c.awaitFrame("welcome"));

			node.terminate();
			// A first session drained (one every 500 ms here) says the drain is under way.
			await("the drain under way").atMost(Duration.ofSeconds(5)).until(() -> clients.stream().anyMatch(WireClient::isClosed));
			node.terminate();
			long second = System.nanoTime();

			await("the node gone long before its 20 s drain").atMost(Duration.ofSeconds(10)).until(() -> !node.isAlive());
			Map<Integer, Long> codes = clients.stream()
				.collect(Collectors.groupingBy((c) -> c.closed().orTimeout(5, TimeUnit.SECONDS).join().code(),
						java.util.TreeMap::new, Collectors.counting()));
			logger.info("A second SIGTERM: the node exited {} ms later; close codes {}",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second), codes);
			assertThat(codes.keySet()).as("drained with 1012 before the second SIGTERM, the rest 1001 after it")
				.containsExactly(1001, 1012);
			assertThat(node.log()).contains("during the drain: closing the remaining sessions now", "(the drain was cut short)");
		}
		finally {
			clients.forEach(WireClient::close);
		}
	}

	private static List<String> nodeIds(NodeProcess node) {
		return NodeProcess.stream(node.getJson("/api/cluster").path("nodes")).map((n) -> n.path("id").asString()).toList();
	}

}

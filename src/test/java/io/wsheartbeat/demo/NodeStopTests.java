package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import io.wsheartbeat.cluster.NodeProcess;
import io.wsheartbeat.support.RedisServer;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's "Stop this node" ({@code simulate} with {@code stop-node}) on real nodes, each a
 * process of its own (the node halts, which the test's own JVM cannot), with a real
 * redis-server. The node asked stops as a crash would: its client gets the confirmation, then its
 * connection ends without a close frame, and the node does not leave the cluster, so the other
 * node drops its sessions only when its lease runs out, as lost. A node without the demo refuses
 * and goes on. (A server of its own with the demo refuses too: {@code SimulatedFaultsIntegrationTests}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeStopTests {

	private static final Logger logger = LoggerFactory.getLogger(NodeStopTests.class);

	/** The nodes run the default lease and renew period. */
	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final Duration RENEW_PERIOD = Duration.ofSeconds(1);

	/** As in {@code ClusterTests}: a dead node's sessions leave every view within its lease and two seconds. */
	private static final Duration DEAD_NODE_GONE = LEASE.plusSeconds(2);

	/** The halt comes {@link NodeStop#HALT_DELAY} after the request; a busy machine may add a few seconds. */
	private static final Duration HALTED = NodeStop.HALT_DELAY.plusSeconds(5);

	/** Two JVMs starting at once on two shared cores. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final String STOP_NODE = "{\"type\":\"simulate\",\"fault\":\"stop-node\"}";

	private RedisServer redis;

	private NodeProcess demo;

	private NodeProcess product;

	@BeforeAll
	void startRedisAndTwoNodes() throws Exception {
		RedisServer.assumeInstalled();
		this.redis = RedisServer.start();
		this.demo = NodeProcess.start("demo-node", this.redis.port(), "--spring.profiles.active=demo");
		this.product = NodeProcess.start("product-node", this.redis.port());
		await("both nodes up and in the cluster").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> this.demo.hasJoined() && this.product.hasJoined());
		await("each node sees the other").atMost(RENEW_PERIOD.multipliedBy(3))
			.until(() -> this.product.getJson("/api/cluster").path("nodes").size() == 2
					&& this.demo.getJson("/api/cluster").path("nodes").size() == 2);
	}

	@AfterAll
	void stopAll() throws Exception {
		for (NodeProcess node : new NodeProcess[] { this.demo, this.product }) {
			if (node != null) {
				node.close();
			}
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	@Order(1)
	void aNodeWithoutTheDemoRefusesAndGoesOn() throws Exception {
		try (WireClient client = WireClient.connect(this.product.port())) {
			client.awaitFrame("welcome");
			client.send(STOP_NODE);

			assertThat(client.awaitFrame("error").path("code").asString()).isEqualTo("faults-disabled");
			client.heartbeat(7);
			assertThat(client.awaitFrame("heartbeat_ack").path("timestamp").asLong()).isEqualTo(7);
			assertThat(this.product.exitStatus()).isEmpty();
		}
		assertThat(this.product.get("/?lang=en").body()).as("no button without the demo")
			.contains("id=\"node\"")
			.doesNotContain("id=\"fault-stop-node\"");
	}

	@Test
	@Order(2)
	void theNodeAskedStopsAsACrashWouldAndTheOtherFindsItLostWhenItsLeaseRunsOut() throws Exception {
		assertThat(this.demo.get("/?lang=en").body()).as("the demo in cluster mode offers it")
			.contains("id=\"fault-stop-node\"", "Stop this node", "within the lease (5000 ms)");
		try (WireClient client = WireClient.connect(this.demo.port())) {
			JsonNode welcome = client.awaitFrame("welcome");
			String session = welcome.path("sessionId").asString();
			assertThat(welcome.path("node").asString()).isEqualTo("demo-node");
			await("the other node lists the session").atMost(Duration.ofSeconds(1))
				.until(() -> this.product.listedSessions().contains(session));

			client.send(STOP_NODE);
			long asked = System.nanoTime();

			assertThat(client.awaitFrame("simulated").path("fault").asString()).as("confirmed first").isEqualTo("stop-node");
			WireClient.Closed closed = client.closed().orTimeout(HALTED.toMillis(), TimeUnit.MILLISECONDS).join();
			assertThat(closed.code()).as("no close frame").isEqualTo(1006);
			await("the node's process gone").atMost(HALTED).until(() -> this.demo.exitStatus().isPresent());
			assertThat(this.demo.exitStatus()).as("halted").isEqualTo(OptionalInt.of(NodeStop.EXIT_STATUS));
			logger.info("The stopped node's client saw 1006 {} ms after asking",
					TimeUnit.NANOSECONDS.toMillis(closed.nanoTime() - asked));

			await("its session gone from the other node's view").atMost(DEAD_NODE_GONE)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> !this.product.listedSessions().contains(session));
			logger.info("Its session left the other node's view {} ms after the node was asked to stop (lease {} s)",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked), LEASE.toSeconds());

			JsonNode lost = NodeProcess.stream(this.product.view().path("recentlyClosed"))
				.filter((entry) -> entry.path("session").path("id").asString().equals(session))
				.findFirst()
				.orElseThrow(() -> new AssertionError(session + " not among the recently closed"));
			assertThat(lost.path("closeCode").asInt()).isEqualTo(1006);
			assertThat(lost.path("closeReason").asString()).isEqualTo("node demo-node lost: its lease ran out");
			assertThat(this.demo.log()).contains("Stopping node demo-node as a crash would")
				.as("no shutdown: no 1001 to its clients, no leaving the cluster")
				.doesNotContain("Shutting down: closed", "left the cluster", "Could not leave the cluster");
			assertThat(this.product.log()).contains("Node demo-node lost: its lease ran out");
		}
	}

}

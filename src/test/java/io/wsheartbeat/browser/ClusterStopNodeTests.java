package io.wsheartbeat.browser;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import io.wsheartbeat.cluster.NodeProcess;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.ReconnectingClient;
import io.wsheartbeat.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's "Stop this node" on the cluster as it runs: a real redis-server, three nodes with
 * the demo (each a process of its own, as the node halts) and nginx balancing them with
 * {@code src/cluster/nginx.conf}. The page, opened through nginx with a few clients beside it,
 * stops the node it is on: it sees 1006, reconnects through nginx to another node, and once the
 * stopped node's lease has run out its sessions show in the page's view as closed, lost. The
 * screenshot of that, {@code target/screenshots/cluster-stop-node.png}, is the one docs/cluster.md
 * shows (copied to {@code src/docs/images/}). The page's presence stays online throughout, on the
 * node it moved to.
 *
 * <p>The nodes run the default lease (5 s), renew period (1 s) and reconnect delays (the first
 * random up to 1 s), which the bounds below come from, with a heartbeat every 2 s so the chart
 * has points.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterStopNodeTests {

	private static final Logger logger = LoggerFactory.getLogger(ClusterStopNodeTests.class);

	static final int WIDTH = 1280;

	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final Duration RENEW_PERIOD = Duration.ofSeconds(1);

	/** The page's first reconnect delay is random up to the initial delay, 1 s by default. */
	private static final HeartbeatProperties.Reconnect RECONNECT = new HeartbeatProperties.Reconnect(
			Duration.ofSeconds(1), Duration.ofSeconds(30), 2);

	/** Slack for three JVMs, nginx and Chromium on two shared cores. */
	private static final Duration BUSY = Duration.ofSeconds(5);

	/** The node halts 200 ms after the request (NodeStop.HALT_DELAY); the page hears it at once. */
	private static final Duration PAGE_SEES_THE_STOP = Duration.ofMillis(200).plus(BUSY);

	/**
	 * Back on another node: one reconnect delay, as nginx passes a handshake the dead node
	 * refused on to a live one ({@code proxy_next_upstream error}).
	 */
	private static final Duration ON_ANOTHER_NODE = RECONNECT.initialDelay().plus(BUSY);

	/**
	 * The stopped node's sessions closed as lost in the page's view: its lease and a renewal
	 * (ClusterTests' bound, lease + 2 s), and, if the page's view came from the stopped node, its
	 * stream's reconnect (the page's 5 s retry; EventSource's own is 3 s).
	 */
	private static final Duration LOST_IN_THE_VIEW = LEASE.plusSeconds(2).plusSeconds(5).plus(BUSY);

	/** Three JVMs starting at once on two shared cores. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final int CLIENTS = 6;

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	private RedisServer redis;

	private final List<NodeProcess> nodes = new ArrayList<>();

	private Nginx nginx;

	private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

	private final List<ReconnectingClient> clients = new ArrayList<>();

	@BeforeAll
	void startRedisThreeNodesAndNginx() throws Exception {
		RedisServer.assumeInstalled();
		Nginx.assumeInstalled();
		this.redis = RedisServer.start();
		for (String id : List.of("node-1", "node-2", "node-3")) {
			this.nodes.add(NodeProcess.start(id, this.redis.port(), "--spring.profiles.active=demo",
					"--heartbeat.interval=2s", "--heartbeat.ack-timeout=1500ms"));
		}
		await("three nodes up and in the cluster").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> this.nodes.stream().allMatch(NodeProcess::hasJoined));
		await("every node sees the three").atMost(RENEW_PERIOD.multipliedBy(3))
			.until(() -> this.nodes.stream().allMatch((node) -> node.getJson("/api/cluster").path("nodes").size() == 3));
		this.nginx = Nginx.balance(this.nodes.stream().map(NodeProcess::port).toList());
	}

	@AfterAll
	void stopAll() throws Exception {
		this.clients.forEach(ReconnectingClient::stop);
		this.timers.shutdownNow();
		if (this.nginx != null) {
			this.nginx.close();
		}
		for (NodeProcess node : this.nodes) {
			node.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void thePageStopsItsNodeReconnectsToAnotherAndTheStoppedNodesSessionsLeaveAsLost() throws Exception {
		browser.viewport(WIDTH, 900, false);
		browser.open("http://127.0.0.1:" + this.nginx.port() + "/?lang=en");
		await("the page open and acked").atMost(Duration.ofSeconds(30))
			.until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());

		// Clients beside the page, spread over the nodes by nginx, so the view holds every node's sessions.
		HttpClient http = HttpClient.newHttpClient();
		for (int i = 0; i < CLIENTS; i++) {
			ReconnectingClient client = new ReconnectingClient(http,
					URI.create("ws://127.0.0.1:" + this.nginx.port() + "/ws"), this.timers, RECONNECT);
			this.clients.add(client);
			client.start();
		}
		await("the page and the clients listed").atMost(Duration.ofSeconds(10))
			.until(() -> this.nodes.get(0).listedSessions().size() == 1 + CLIENTS);
		String firstNode = browser.byId("node").getText();
		String firstSession = browser.sessionId();
		NodeProcess stopped = this.nodes.stream().filter((node) -> node.id().equals(firstNode)).findFirst().orElseThrow();
		NodeProcess survivor = this.nodes.stream().filter((node) -> node != stopped).findFirst().orElseThrow();
		Set<String> onStopped = sessionsOn(survivor, firstNode);
		assertThat(onStopped).contains(firstSession);
		await("the page's view lists them").atMost(Duration.ofSeconds(10))
			.until(() -> onStopped.stream().allMatch((id) -> "open".equals(browser.sessionRow(id).get("state"))));

		String key = "client:" + browser.script("return localStorage.getItem('heartbeat.clientId');");
		PresenceTests.Transitions presence = new PresenceTests.Transitions(
				URI.create("http://127.0.0.1:" + survivor.port() + "/api/presence/stream"));
		int closes = browser.entries("close").size();
		browser.byId("fault-stop-node").click();
		long clicked = System.nanoTime();

		await("the page sees its node stop").atMost(PAGE_SEES_THE_STOP)
			.until(() -> browser.entries("close").size() > closes);
		long closed = System.nanoTime();
		assertThat(browser.entries("close").get(closes).getDomAttribute("data-code")).as("no close frame").isEqualTo("1006");
		assertThat(browser.entries("fault-confirmed")).as("the node confirmed before it went").isNotEmpty();

		await("the page welcomed by another node").atMost(ON_ANOTHER_NODE)
			.until(() -> "open".equals(browser.state()) && !browser.entries("node-changed").isEmpty());
		long reconnected = System.nanoTime();
		String secondNode = browser.byId("node").getText();
		assertThat(secondNode).isNotEqualTo(firstNode).isNotEqualTo("—");

		await("the stopped node's sessions closed as lost in the page's view").atMost(LOST_IN_THE_VIEW)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> onStopped.stream().allMatch((id) -> isLost(browser.sessionRow(id), firstNode)));
		long lost = System.nanoTime();
		assertThat(browser.sessionRow(firstSession)).containsEntry("own", true).containsEntry("closeCode", "1006");
		assertThat(stopped.exitStatus()).as("the stopped node's process").isPresent();

		await("every client back, on the other nodes").atMost(ON_ANOTHER_NODE)
			.until(() -> sessionsOn(survivor, null).size() == 1 + CLIENTS
					&& sessionsOn(survivor, firstNode).isEmpty());
		// Presence: the page's key is on the node it reconnected to, and was never offline. The
		// page was back long before the stopped node's lease ran out, so the key may never have
		// been reconnecting at all: the cluster counted the dead node's session until then.
		presence.close();
		assertThat(presence.of(key)).as("the page's presence transitions").extracting((t) -> t.get("state"))
			.doesNotContain("offline");
		// The lost node's counts leave at the next presence call of any node: a renew period.
		await("the page's key on " + secondNode + " only").atMost(RENEW_PERIOD.plus(BUSY)).untilAsserted(() -> {
			JsonNode own = survivor.getJson("/api/presence/" + key);
			assertThat(own.path("state").asString()).isEqualTo("online");
			assertThat(NodeProcess.stream(own.path("sessions")).map((s) -> s.path("node").asString()))
				.containsExactly(secondNode);
		});

		// The page's chart shows a point or two on the new connection.
		int acks = browser.entries("ack").size();
		await().atMost(Duration.ofSeconds(10)).until(() -> browser.entries("ack").size() >= acks + 2);

		logger.info("Stopped {} ({} of its sessions): the page saw 1006 after {} ms, was on {} after {} ms; "
				+ "the page's view showed them lost after {} ms (lease {} s)", firstNode, onStopped.size(),
				millis(clicked, closed), secondNode, millis(clicked, reconnected), millis(clicked, lost),
				LEASE.toSeconds());

		Files.createDirectories(PageScreenshotTests.SCREENSHOTS);
		Path file = PageScreenshotTests.SCREENSHOTS.resolve("cluster-stop-node.png");
		Files.write(file, browser.fullPageScreenshot(WIDTH));
		assertThat(file).isNotEmptyFile();
	}

	private static boolean isLost(Map<String, Object> row, String node) {
		return "closed".equals(row.get("state"))
				&& String.valueOf(row.get("text")).contains("node " + node + " lost: its lease ran out");
	}

	/** The open sessions a node lists on {@code node} (every node's, with {@code null}). */
	private static Set<String> sessionsOn(NodeProcess lister, String node) {
		return NodeProcess.stream(lister.getJson("/api/sessions"))
			.filter((session) -> node == null || node.equals(session.path("node").asString()))
			.map((session) -> session.path("id").asString())
			.collect(Collectors.toSet());
	}

	private static long millis(long from, long to) {
		return TimeUnit.NANOSECONDS.toMillis(to - from);
	}

}

package io.wsheartbeat.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wsheartbeat.cluster.NodeProcess;
import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's "Restart this node gracefully" on a cluster of two demo nodes behind nginx
 * ({@code src/cluster/nginx.conf}) on a real redis-server: the node the page is on drains its
 * sessions over {@link #DRAIN}, the page sees 1012 with the window, waits the delay it drew from
 * it, and is welcomed by the other node; in the page's view its old session shows as closed with
 * 1012, not lost. The screenshot is {@code target/screenshots/cluster-restart-node.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRestartNodeTests {

	private static final Logger logger = LoggerFactory.getLogger(ClusterRestartNodeTests.class);

	private static final Duration DRAIN = Duration.ofSeconds(3);

	/** Slack for two JVMs, nginx and Chromium on two shared cores. */
	private static final Duration BUSY = Duration.ofSeconds(5);

	private static final Duration STARTUP = Duration.ofSeconds(120);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	private RedisServer redis;

	private final List<NodeProcess> nodes = new ArrayList<>();

	private Nginx nginx;

	@BeforeAll
	void startRedisTwoNodesAndNginx() throws Exception {
		RedisServer.assumeInstalled();
		Nginx.assumeInstalled();
		this.redis = RedisServer.start();
		for (String id : List.of("node-1", "node-2")) {
			this.nodes.add(NodeProcess.start(id, this.redis.port(), "--spring.profiles.active=demo",
					"--heartbeat.interval=2s", "--heartbeat.ack-timeout=1500ms",
					"--heartbeat.shutdown.drain=" + DRAIN.toMillis() + "ms"));
		}
		await("two nodes up and in the cluster").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> this.nodes.stream().allMatch(NodeProcess::hasJoined));
		this.nginx = Nginx.balance(this.nodes.stream().map(NodeProcess::port).toList());
	}

	@AfterAll
	void stopAll() throws Exception {
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
	void thePageHears1012WaitsItsDrawnDelayAndLandsOnTheOtherNode() throws Exception {
		browser.viewport(ClusterStopNodeTests.WIDTH, 900, false);
		browser.open("http://127.0.0.1:" + this.nginx.port() + "/?lang=en");
		await("the page open and acked").atMost(Duration.ofSeconds(30))
			.until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());
		assertThat(browser.byId("fault-restart-node").getText()).isEqualTo("Restart this node gracefully");
		String firstNode = browser.byId("node").getText();
		String firstSession = browser.sessionId();
		NodeProcess restarted = this.nodes.stream().filter((node) -> node.id().equals(firstNode)).findFirst().orElseThrow();

		int closes = browser.entries("close").size();
		browser.byId("fault-restart-node").click();
		long clicked = System.nanoTime();

		// One session on the node: the drain closes it at the end of its window.
		await("the page hears 1012").atMost(DRAIN.plus(BUSY)).until(() -> browser.entries("close").size() > closes);
		long closed = System.nanoTime();
		WebElement close = browser.entries("close").get(closes);
		assertThat(close.getDomAttribute("data-code")).as("service restart, not a lost connection").isEqualTo("1012");
		WebElement scheduled = browser.last("reconnect-scheduled");
		assertThat(scheduled.getDomAttribute("data-window")).as("the delay drawn from the server's window").isEqualTo("true");
		assertThat(scheduled.getDomAttribute("data-cap")).isEqualTo(String.valueOf(DRAIN.toMillis()));
		long delay = Long.parseLong(scheduled.getDomAttribute("data-delay"));
		assertThat(delay).isBetween(0L, DRAIN.toMillis());

		await("the page welcomed by the other node").atMost(Duration.ofMillis(delay).plus(BUSY))
			.until(() -> "open".equals(browser.state()) && !browser.entries("node-changed").isEmpty());
		long reconnected = System.nanoTime();
		assertThat(browser.byId("node").getText()).isNotEqualTo(firstNode).isNotEqualTo("—");
		// By the page's own log times: the test sees each entry only when it next polls.
		Instant closedAt = loggedAt(close);
		Instant welcomedAt = loggedAt(browser.last("node-changed"));
		assertThat(Duration.between(closedAt, welcomedAt).toMillis())
			.as("from the 1012 to the other node's welcome, in the page's log: not before its drawn delay")
			.isGreaterThanOrEqualTo(delay);

		await("its old session closed with 1012 in the page's view, not lost").atMost(BUSY)
			.until(() -> isClosedWith1012(browser.sessionRow(firstSession)));
		await("the restarted node's process exited").atMost(BUSY).until(() -> restarted.exitStatus().isPresent());
		assertThat(restarted.log()).contains("restarting gracefully, as the page asked", "Readiness is REFUSING_TRAFFIC",
				"left the cluster");

		logger.info("Restarted {} gracefully: the page heard 1012 {} ms after the click, drew {} ms, was on {} {} ms after the close",
				firstNode, millis(clicked, closed), delay, browser.byId("node").getText(), millis(closed, reconnected));
		Files.createDirectories(PageScreenshotTests.SCREENSHOTS);
		Path file = PageScreenshotTests.SCREENSHOTS.resolve("cluster-restart-node.png");
		Files.write(file, browser.fullPageScreenshot(ClusterStopNodeTests.WIDTH));
		assertThat(file).isNotEmptyFile();
	}

	private static boolean isClosedWith1012(Map<String, Object> row) {
		return "closed".equals(row.get("state")) && "1012".equals(String.valueOf(row.get("closeCode")));
	}

	private static long millis(long from, long to) {
		return TimeUnit.NANOSECONDS.toMillis(to - from);
	}

	private static Instant loggedAt(WebElement entry) {
		return Instant.parse(entry.findElement(By.tagName("time")).getDomAttribute("datetime"));
	}

}

package io.wsheartbeat.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The restart storm page runs both storms and plots their reconnects per 100 ms side by side:
 * with full jitter they spread over the first delay, with the fixed 5 s delay they all come back
 * after it, together. Also saves {@code target/screenshots/try-storm.png} for the README.
 *
 * <p>The default reconnect delays (1 s to 30 s): full jitter spreads the storm over the first
 * delay, 1 s. Same properties as {@link PageScreenshotTests}, so the two share a context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "heartbeat.interval=1s",
		"heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=5s", "heartbeat.shutdown.drain=3s" })
@ActiveProfiles("demo")
class StormPageTests {

	static final int CLIENTS = 200;

	static final int BUCKET_MILLIS = 100;

	/** The reference page's fixed reconnect delay, which the fixed storm uses. */
	static final Duration FIXED_DELAY = Duration.ofSeconds(5);

	/**
	 * What a loaded two-core machine may add to a client's own delay before its knock is counted
	 * (the knocks are counted from the restart): the 1012s reach the clients one after another, and
	 * one timer thread fires their reconnects.
	 */
	static final Duration DELIVERY_SLACK = Duration.ofSeconds(1);

	/** heartbeat.shutdown.drain below: the paced storm's window. */
	static final Duration DRAIN = Duration.ofSeconds(3);

	@Autowired
	HeartbeatProperties properties;

	@LocalServerPort
	int port;

	@Test
	void shouldRunTheThreeStormsAndPlotThemSideBySide() throws IOException {
		try (Browser browser = Browser.start(1280, 900)) {
			browser.open("http://localhost:" + this.port + "/storm?lang=en");
			WebElement clients = browser.byId("storm-clients");
			clients.clear();
			clients.sendKeys(String.valueOf(CLIENTS));
			browser.byId("storm-run").click();

			await().atMost(Duration.ofSeconds(5)).until(() -> "running".equals(browser.byId("storm-status").getDomAttribute("data-status")));
			assertThat(browser.byId("storm-run").isEnabled()).as("one storm at a time").isFalse();
			await().atMost(Duration.ofSeconds(60)).until(() -> "done".equals(browser.byId("storm-status").getDomAttribute("data-status")));

			List<Integer> jitter = bars(browser, "storm-full-jitter");
			List<Integer> fixed = bars(browser, "storm-fixed");
			assertThat(jitter.stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS);
			assertThat(fixed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS);
			Duration initialDelay = this.properties.reconnect().initialDelay();
			int[] jitterCounts = countsByBucket(browser, "storm-full-jitter");
			// Uniform delays put about half of the knocks in any half of the initial delay; a stalled
			// timer thread releases what fell due meanwhile at once, which this wide a window absorbs.
			assertThat(busiest(jitterCounts, (int) (initialDelay.toMillis() / 2 / BUCKET_MILLIS)))
				.as("full jitter: no half of the initial delay holds more than three quarters; bars %s", jitter)
				.isLessThanOrEqualTo(CLIENTS * 3 / 4);
			assertThat(jitter).as("spread over many buckets").hasSizeGreaterThanOrEqualTo(6);
			// Drained over 3 s, each back within 3 s of its close: the reconnects spread over 6 s, and
			// no 100 ms holds more than a few times the paced rate (clients / drain per 100 ms).
			List<Integer> drained = bars(browser, "storm-paced-drain");
			assertThat(drained.stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS);
			int pacedPerBucket = (int) Math.ceil(CLIENTS * BUCKET_MILLIS / (double) DRAIN.toMillis());
			assertThat(drained.stream().mapToInt(Integer::intValue).max().orElseThrow())
				.as("paced drain: no 100 ms holds more than three times the paced rate %s; bars %s", pacedPerBucket, drained)
				.isLessThanOrEqualTo(3 * pacedPerBucket);
			assertThat(drained).as("spread over the drain and the window after it").hasSizeGreaterThan((int) (DRAIN.toMillis() / BUCKET_MILLIS));
			assertThat(drained.stream().mapToInt(Integer::intValue).max().orElseThrow())
				.as("the paced drain's peak below full jitter's, on the same clients").isLessThan(jitter.stream().mapToInt(Integer::intValue).max().orElseThrow());
			int[] fixedCounts = countsByBucket(browser, "storm-fixed");
			int fixedFrom = (int) (FIXED_DELAY.toMillis() / BUCKET_MILLIS);
			int fixedTo = (int) (FIXED_DELAY.plus(DELIVERY_SLACK).toMillis() / BUCKET_MILLIS);
			assertThat(java.util.Arrays.stream(fixedCounts, fixedFrom, fixedTo).sum())
				.as("fixed: all after the fixed delay and within the time the 1012s and timers take on a loaded machine; "
						+ "bars %s", fixed)
				.isEqualTo(CLIENTS);
			assertThat(browser.byId("storm-status").getText()).startsWith("Done");
			assertThat(browser.byId("storm-fixed").findElement(By.className("storm-summary")).getText())
				.startsWith(CLIENTS + " of " + CLIENTS + " back");

			Files.createDirectories(PageScreenshotTests.SCREENSHOTS);
			Files.write(PageScreenshotTests.SCREENSHOTS.resolve("try-storm.png"), browser.fullPageScreenshot(1280));
		}
	}

	/** The plotted bars of one storm, as counts, in bucket order. */
	private static List<Integer> bars(Browser browser, String id) {
		return browser.byId(id)
			.findElements(By.cssSelector("rect.storm-bar"))
			.stream()
			.map((bar) -> Integer.parseInt(bar.getDomAttribute("data-count")))
			.toList();
	}

	/** Each bucket's count of one storm, from the bars' bucket numbers; 0 where no bar is. */
	private static int[] countsByBucket(Browser browser, String id) {
		int[] counts = new int[1000];
		for (WebElement bar : browser.byId(id).findElements(By.cssSelector("rect.storm-bar"))) {
			counts[Integer.parseInt(bar.getDomAttribute("data-bucket"))] = Integer.parseInt(bar.getDomAttribute("data-count"));
		}
		return counts;
	}

	/** The most knocks in any {@code width} consecutive buckets. */
	private static int busiest(int[] counts, int width) {
		int busiest = 0;
		for (int start = 0; start < counts.length; start++) {
			int sum = 0;
			for (int i = start; i < Math.min(counts.length, start + width); i++) {
				sum += counts[i];
			}
			busiest = Math.max(busiest, sum);
		}
		return busiest;
	}

}

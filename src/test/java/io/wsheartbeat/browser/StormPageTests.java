package io.wsheartbeat.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The restart storm page runs both storms and plots their reconnects per 100 ms side by side:
 * with full jitter no bucket holds more than a quarter of them, with the fixed 5 s delay nearly
 * all land in one (or straddle two). Also saves {@code target/screenshots/try-storm.png} for the
 * README.
 *
 * <p>The default reconnect delays (1 s to 30 s): full jitter spreads the storm over the first
 * delay, 1 s. Same properties as {@link PageScreenshotTests}, so the two share a context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "heartbeat.interval=1s",
		"heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=5s" })
@ActiveProfiles("demo")
class StormPageTests {

	static final int CLIENTS = 200;

	@LocalServerPort
	int port;

	@Test
	void shouldRunBothStormsAndPlotThemSideBySide() throws IOException {
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
			assertThat(jitter.stream().mapToInt(Integer::intValue).max().orElseThrow())
				.as("full jitter: no 100 ms bucket holds more than a quarter").isLessThanOrEqualTo(CLIENTS / 4);
			assertThat(jitter).as("spread over many buckets").hasSizeGreaterThanOrEqualTo(6);
			assertThat(busiestPair(browser, "storm-fixed")).as("fixed: nearly all in one bucket, or straddling two")
				.isGreaterThanOrEqualTo(CLIENTS * 9 / 10);
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

	private static int busiestPair(Browser browser, String id) {
		List<WebElement> bars = browser.byId(id).findElements(By.cssSelector("rect.storm-bar"));
		int[] counts = new int[1000];
		for (WebElement bar : bars) {
			counts[Integer.parseInt(bar.getDomAttribute("data-bucket"))] = Integer.parseInt(bar.getDomAttribute("data-count"));
		}
		int busiest = 0;
		for (int i = 0; i + 1 < counts.length; i++) {
			busiest = Math.max(busiest, counts[i] + counts[i + 1]);
		}
		return busiest;
	}

}

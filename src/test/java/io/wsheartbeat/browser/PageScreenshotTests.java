package io.wsheartbeat.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.OutputType;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Screenshots of the real page after a few heartbeats, into {@code target/screenshots/}:
 * {@code heartbeat-page.png} (laptop, English) is the one README shows, copied to
 * {@code src/docs/images/}; the phone and Chinese ones are for looking at the layout.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=5s",
				"heartbeat.shutdown.drain=3s" })
@ActiveProfiles("demo")
class PageScreenshotTests {

	static final Path SCREENSHOTS = Path.of("target", "screenshots");

	@LocalServerPort
	int port;

	@Test
	void shouldTakeScreenshotsAfterAFewHeartbeats() throws IOException {
		Files.createDirectories(SCREENSHOTS);
		try (Browser browser = Browser.start()) {
			screenshot(browser, "en", 1280, 900, false, "heartbeat-page.png");
			screenshot(browser, "en", 390, 844, true, "heartbeat-page-phone.png");
			screenshot(browser, "zh-CN", 1280, 900, false, "heartbeat-page-zh.png");
			screenshot(browser, "zh-CN", 390, 844, true, "heartbeat-page-zh-phone.png");
		}
	}

	private void screenshot(Browser browser, String lang, int width, int height, boolean phone, String name)
			throws IOException {
		browser.viewport(width, height, phone);
		browser.open("http://localhost:" + this.port + "/?lang=" + lang);
		await().atMost(Duration.ofSeconds(15)).until(() -> browser.entries("ack").size() >= 3);
		browser.byId("message-text").sendKeys("hello");
		browser.byId("send").click();
		await().atMost(Duration.ofSeconds(5)).until(() -> !browser.entries("echo").isEmpty());
		// Typing scrolled the message box into view; the screenshot shows the page from its top.
		browser.script("window.scrollTo(0, 0); document.activeElement.blur();");
		Path file = SCREENSHOTS.resolve(name);
		Files.write(file, browser.driver().getScreenshotAs(OutputType.BYTES));
		assertThat(file).isNotEmptyFile();
	}

}

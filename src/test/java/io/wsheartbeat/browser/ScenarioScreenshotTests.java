package io.wsheartbeat.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One screenshot of the real page per fault scenario, into {@code target/screenshots/try-*.png},
 * each taken once the scenario has played out (the README's "Try it" shows them, copied to
 * {@code src/docs/images/}). Profile {@code faults}, so it shares {@link FaultControlsTests}'s
 * context; the restart storm's screenshot is taken by {@link StormPageTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "demo", "faults" })
// The server's view last, so the sessions the other scenarios closed are still in it, greyed.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioScreenshotTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	static final int WIDTH = 1280;

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@BeforeAll
	static void createScreenshotFolder() throws IOException {
		Files.createDirectories(PageScreenshotTests.SCREENSHOTS);
	}

	@BeforeEach
	void openPage() {
		browser.viewport(WIDTH, 900, false);
		browser.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= 3);
	}

	@Test
	@Order(1)
	void pauseMyHeartbeats() throws IOException {
		String session = browser.sessionId();
		browser.byId("fault-pause").click();
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		awaitAcksAfterReconnect(2);
		await().atMost(WAIT).until(() -> "4000".equals(browser.sessionRow(session).get("closeCode")));
		save("try-pause.png");
	}

	@Test
	@Order(2)
	void serverStopsAckingMe() throws IOException {
		browser.byId("fault-drop-acks").click();
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		awaitAcksAfterReconnect(2);
		save("try-drop-acks.png");
	}

	@Test
	@Order(3)
	void delayMyAcks() throws IOException {
		browser.byId("fault-delay").click();
		await().atMost(WAIT).until(() -> !browser.entries("interval-change").isEmpty());
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= acks + 3);
		String session = browser.sessionId();
		await().atMost(WAIT).until(() -> String.valueOf(browser.sessionRow(session).get("text")).contains("3.75 s"));
		save("try-delay.png");
	}

	@Test
	@Order(4)
	void dropMyConnectionAbruptly() throws IOException {
		String session = browser.sessionId();
		browser.byId("fault-drop-connection").click();
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		awaitAcksAfterReconnect(2);
		await().atMost(WAIT).until(() -> "1006".equals(browser.sessionRow(session).get("closeCode")));
		save("try-drop-connection.png");
	}

	@Test
	@Order(5)
	void theServersViewOfAPausedPage() throws IOException {
		String session = browser.sessionId();
		try (Browser healthy = Browser.start(); Browser sessions = Browser.start()) {
			healthy.open("http://localhost:" + this.port + "/?lang=en");
			await().atMost(WAIT).until(() -> !healthy.entries("ack").isEmpty());
			sessions.viewport(WIDTH, 900, false);
			sessions.open("http://localhost:" + this.port + "/sessions?lang=en");
			await().atMost(WAIT).until(() -> "healthy".equals(sessions.sessionRow(session).get("liveness"))
					&& "healthy".equals(sessions.sessionRow(healthy.sessionId()).get("liveness")));
			browser.byId("fault-pause").click();
			// Caught with its silence most of the way to its deadline, before the reap.
			await().atMost(WAIT).until(() -> "silent".equals(sessions.sessionRow(session).get("liveness"))
					&& fill(sessions.sessionRow(session).get("fill")) >= 65);
			Path file = PageScreenshotTests.SCREENSHOTS.resolve("try-sessions.png");
			Files.write(file, sessions.fullPageScreenshot(WIDTH));
			assertThat(file).isNotEmptyFile();
		}
	}

	private static double fill(Object width) {
		return (width == null) ? 0 : Double.parseDouble(width.toString().replace("%", ""));
	}

	private static void awaitAcksAfterReconnect(int count) {
		await().atMost(WAIT).until(() -> {
			int lastOpen = (int) (long) (Long) browser.script(
					"return [...document.querySelectorAll('#log li')].findLastIndex((li) => li.dataset.event === 'open');");
			long acks = (Long) browser.script(
					"return [...document.querySelectorAll('#log li')].slice(arguments[0]).filter((li) => li.dataset.event === 'ack').length;",
					lastOpen);
			return acks >= count && "open".equals(browser.state());
		});
	}

	private static void save(String name) throws IOException {
		Path file = PageScreenshotTests.SCREENSHOTS.resolve(name);
		Files.write(file, browser.fullPageScreenshot(WIDTH));
		assertThat(file).isNotEmptyFile();
	}

}

package io.wsheartbeat.browser;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's view, live from {@code /api/sessions/stream}: in the heartbeat page's panel (with
 * the page's own session marked) and on {@code /sessions}. A paused page's silence grows toward
 * its deadline, and once reaped its row stays, greyed, with close code 4000.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "demo", "faults" })
class SessionsViewTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser page = Browser.perTestClass();

	@RegisterExtension
	static final Browser sessions = Browser.perTestClass();

	@LocalServerPort
	int port;

	@Test
	void shouldShowMyOwnSessionMarkedInThePagesPanel() {
		page.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> !page.entries("ack").isEmpty());
		String id = page.sessionId();

		await().atMost(WAIT).until(() -> !page.sessionRow(id).isEmpty());
		Map<String, Object> row = page.sessionRow(id);
		assertThat(row).containsEntry("state", "open").containsEntry("own", true).containsEntry("you", "you");
		assertThat((String) row.get("text")).containsAnyOf("127.0.0.1:", "[::1]:");
		assertThat((String) row.get("fill")).endsWith("%");
		assertThat(page.byId("sessions-status").getDomAttribute("data-status")).isEqualTo("live");
	}

	@Test
	void shouldShowTheSilenceGrowAndThenTheReapWithItsCloseCodeOnBothViews() {
		page.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> !page.entries("ack").isEmpty());
		String id = page.sessionId();
		sessions.open("http://localhost:" + this.port + "/sessions?lang=en");
		await().atMost(WAIT).until(() -> !sessions.sessionRow(id).isEmpty());
		assertThat(sessions.sessionRow(id)).containsEntry("liveness", "healthy").containsEntry("own", false);

		page.byId("fault-pause").click();

		await().atMost(WAIT).until(() -> "silent".equals(sessions.sessionRow(id).get("liveness")));
		await().atMost(WAIT).until(() -> "closed".equals(sessions.sessionRow(id).get("state")));
		Map<String, Object> closed = sessions.sessionRow(id);
		assertThat(closed).containsEntry("closeCode", "4000");
		assertThat((String) closed.get("text")).contains("closed 4000 heartbeat timeout");

		await().atMost(WAIT).until(() -> "4000".equals(page.sessionRow(id).get("closeCode")));
		assertThat(page.sessionRow(id)).as("still marked as the page's own").containsEntry("own", true);
		// The page reconnected meanwhile: its new session is live and marked too.
		await().atMost(WAIT).until(() -> !page.sessionId().equals(id) && !"—".equals(page.sessionId())
				&& "open".equals(page.sessionRow(page.sessionId()).get("state")));
		assertThat(page.sessionRow(page.sessionId())).containsEntry("own", true);
	}

}

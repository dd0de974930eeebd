package io.wsheartbeat.browser;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static io.wsheartbeat.browser.HeartbeatPageTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each button of the page's "Cause a failure" card, clicked in headless Chromium against the real
 * server (profile {@code faults}: interval 1 s, ack timeout 800 ms, server timeout 2 s, slow-rtt
 * 300 ms, slow interval 2.5 s), and the mechanism that catches it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "demo", "faults" })
class FaultControlsTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	static final Duration SERVER_TIMEOUT = Duration.ofSeconds(2);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@BeforeEach
	void openPage() {
		browser.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());
	}

	@Test
	void shouldBeReapedWith4000AndReconnectWhenMyHeartbeatsArePaused() {
		WebElement pause = browser.byId("fault-pause");
		pause.click();

		await().atMost(WAIT).until(() -> !browser.entries("paused").isEmpty());
		assertThat(pause.getDomAttribute("aria-pressed")).isEqualTo("true");
		assertThat(pause.getText()).isEqualTo("Resume my heartbeats");
		assertThat(text(browser.last("paused"))).contains("4000").contains("2 s");
		assertThat(browser.byId("next-heartbeat").getText()).isEqualTo("paused");

		await().atMost(WAIT).until(() -> !browser.entries("close").isEmpty());
		// Read from the log's order: by now the page may have reconnected and beaten again.
		List<String> events = browser.entries().stream().map((entry) -> entry.getDomAttribute("data-event")).toList();
		List<String> whilePaused = events.subList(events.indexOf("paused"), events.indexOf("close"));
		assertThat(whilePaused).as("nothing sent while paused").doesNotContain("heartbeat");
		assertThat(browser.last("close").getDomAttribute("data-code")).isEqualTo("4000");
		assertThat(text(browser.last("close"))).contains("heartbeat timeout");
		assertThat(browser.entries("ack-timeout")).as("the server noticed, not the page").isEmpty();

		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		assertThat(browser.last("resumed").getDomAttribute("data-by-reconnect")).isEqualTo("true");
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() > acks && "open".equals(browser.state()));
		assertThat(pause.getDomAttribute("aria-pressed")).isEqualTo("false");
		assertThat(pause.getText()).isEqualTo("Pause my heartbeats");
	}

	@Test
	void shouldResumeAtOnceWhenResumeIsClicked() {
		browser.byId("fault-pause").click();
		await().atMost(WAIT).until(() -> !browser.entries("paused").isEmpty());
		int heartbeats = browser.entries("heartbeat").size();

		browser.byId("fault-pause").click();

		await().atMost(WAIT).until(() -> browser.entries("heartbeat").size() > heartbeats);
		assertThat(browser.last("resumed").getDomAttribute("data-by-reconnect")).isEqualTo("false");
		// A close, once logged, stays in the log, so a late start of the hold hides none; atMost only
		// bounds how long the WebDriver calls of each evaluation may take on a busy machine.
		await().during(SERVER_TIMEOUT.multipliedBy(2)).atMost(SERVER_TIMEOUT.multipliedBy(2).plus(WAIT))
			.until(() -> browser.entries("close").isEmpty());
	}

	@Test
	void shouldCloseWith4001WhenTheServerStopsAckingAndBeAckedAgainOnTheNewSession() {
		String firstSession = browser.sessionId();
		browser.byId("fault-drop-acks").click();

		await().atMost(WAIT).until(() -> !browser.entries("fault-confirmed").isEmpty());
		assertThat(browser.last("fault-requested").getDomAttribute("data-fault")).isEqualTo("drop-acks");
		assertThat(text(browser.last("fault-confirmed"))).isEqualTo("The server confirms: it now drops this session's acks");
		assertThat(browser.byId("fault-state").getDomAttribute("data-fault")).isEqualTo("drop-acks");

		await().atMost(WAIT).until(() -> !browser.entries("ack-timeout").isEmpty());
		assertThat(browser.last("close").getDomAttribute("data-code")).isEqualTo("4001");

		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= acks + 2 && "open".equals(browser.state()));
		assertThat(browser.sessionId()).isNotEqualTo(firstSession);
		assertThat(browser.byId("fault-state").getDomAttribute("data-fault")).isEqualTo("none");
		assertThat(browser.entries("ack-timeout")).hasSize(1);
	}

	@Test
	void shouldDeclareTheSlowIntervalAndNotBeReapedWhileAcksAreDelayed() {
		// 1.5 x slow-rtt, offered by the page from the server's timings.
		assertThat(browser.byId("fault-delay-ms").getDomProperty("value")).isEqualTo("500");
		browser.byId("fault-delay").click();

		await().atMost(WAIT).until(() -> !browser.entries("interval-change").isEmpty());
		WebElement slow = browser.last("interval-change");
		assertThat(slow.getDomAttribute("data-to")).isEqualTo("2500");
		assertThat(Integer.parseInt(slow.getDomAttribute("data-rtt"))).isBetween(500, 800);
		assertThat(browser.byId("current-interval").getText()).isEqualTo("2.5 s");
		assertThat(browser.byId("fault-state").getText()).isEqualTo("delays this session's acks by 500 ms");

		// Gaps of 2.5 s between heartbeats, past the 2 s server timeout: only the declared
		// interval's deadline (3.75 s) keeps this session. A close stays in the log, so atMost only
		// bounds how long the WebDriver calls of each evaluation may take.
		await().during(SERVER_TIMEOUT.multipliedBy(3)).atMost(SERVER_TIMEOUT.multipliedBy(3).plus(WAIT))
			.until(() -> browser.entries("close").isEmpty() && "open".equals(browser.state()));
		String session = browser.sessionId();
		await().atMost(WAIT).until(() -> String.valueOf(browser.sessionRow(session).get("text")).contains("3.75 s"));
		assertThat((String) browser.sessionRow(session).get("text")).as("the declared interval").contains("2.5 s");

		browser.byId("fault-delay-off").click();

		await().atMost(WAIT).until(() -> browser.entries("interval-change").size() == 2);
		assertThat(browser.last("interval-change").getDomAttribute("data-to")).isEqualTo("1000");
		assertThat(browser.byId("fault-state").getText()).isEqualTo("acks at once");
		assertThat(browser.entries("close")).isEmpty();
	}

	@Test
	void shouldSee1006AndReconnectWhenTheServerDropsTheConnectionAbruptly() {
		browser.byId("fault-drop-connection").click();

		await().atMost(WAIT).until(() -> !browser.entries("close").isEmpty());
		assertThat(browser.last("fault-requested").getDomAttribute("data-fault")).isEqualTo("drop-connection");
		assertThat(browser.last("close").getDomAttribute("data-code")).isEqualTo("1006");
		assertThat(text(browser.last("close"))).contains("no close frame");
		assertThat(browser.last("reconnect-scheduled").getDomAttribute("data-attempt")).isEqualTo("1");

		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() > acks && "open".equals(browser.state()));
	}

	@Test
	void shouldOfferTheFaultControlsOnlyWhileOpen() {
		String[] controls = { "fault-pause", "fault-drop-acks", "fault-delay-ms", "fault-delay", "fault-delay-off",
				"fault-drop-connection" };
		for (String id : controls) {
			assertThat(browser.byId(id).isEnabled()).as(id + " while open").isTrue();
		}
		browser.byId("disconnect").click();
		await().atMost(WAIT).until(() -> "disconnected".equals(browser.state()));
		for (String id : controls) {
			assertThat(browser.byId(id).isEnabled()).as(id + " while disconnected").isFalse();
		}
		assertThat(browser.byId("next-heartbeat").getText()).isEqualTo("—");
		assertThat(browser.byId("ack-deadline").getText()).isEqualTo("—");
	}

	@Test
	void shouldCountDownToTheNextHeartbeatAndTheAckDeadline() {
		await().atMost(WAIT).until(() -> browser.byId("next-heartbeat").getText().matches("0\\.\\d s"));
		// The ack comes within milliseconds, so catch the ack deadline by delaying the acks.
		browser.byId("fault-delay").click();
		await().atMost(WAIT).until(() -> browser.byId("ack-deadline").getText().matches("0\\.[1-8] s")
				&& "after the ack".equals(browser.byId("next-heartbeat").getText()));
	}

}

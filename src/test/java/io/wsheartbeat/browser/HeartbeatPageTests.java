package io.wsheartbeat.browser;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a person sees and clicks on the heartbeat page, in headless Chromium against the real
 * server with short timings (profile {@code browser}: interval 500 ms, ack timeout 400 ms, server
 * timeout 1.5 s, reconnect delays 100 ms to 800 ms). Every assertion waits on the DOM.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "demo", "browser" })
class HeartbeatPageTests {

	static final Duration MAX_DELAY = Duration.ofMillis(800);

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@BeforeEach
	void openPage() {
		browser.open("http://localhost:" + this.port + "/?lang=en");
	}

	@Test
	void shouldConnectOnLoadAndLogHeartbeatsAckedWithRtt() {
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= 3);
		assertThat(browser.state()).isEqualTo("open");
		assertThat(text(browser.entries("open").get(0))).isEqualTo("Connection open");
		assertThat(text(browser.entries("welcome").get(0))).startsWith("Session ");
		assertThat(browser.entries("heartbeat")).isNotEmpty()
			.allSatisfy((entry) -> assertThat(text(entry)).isEqualTo("Heartbeat sent (interval 500 ms)"));
		WebElement ack = browser.entries("ack").get(0);
		assertThat(text(ack)).matches("Heartbeat ack received, RTT \\d+ ms");
		assertThat(Integer.parseInt(ack.getDomAttribute("data-rtt"))).isBetween(0, 400);
		assertThat(ack.findElement(By.tagName("time")).getText()).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
		assertThat(browser.byId("rtt").getText()).matches("\\d+ ms");
		assertThat(browser.byId("session").getText()).isNotBlank().isNotEqualTo("—");
		assertThat(browser.byId("connect").isEnabled()).isFalse();
		assertThat(browser.byId("disconnect").isEnabled()).isTrue();
		assertThat(browser.byId("send").isEnabled()).isTrue();
	}

	@Test
	void shouldStayDisconnectedAfterDisconnectForSeveralMaxDelays() {
		awaitOpenAndAcked();
		browser.byId("disconnect").click();

		await().atMost(WAIT).until(() -> "disconnected".equals(browser.state()));
		assertThat(text(last("disconnect"))).contains("close 1000");
		int connecting = browser.entries("connecting").size();
		int heartbeats = browser.entries("heartbeat").size();
		// Log entries only accumulate, so a late start of the hold hides nothing; atMost only bounds
		// how long the WebDriver calls of each evaluation may take on a busy machine.
		await().during(MAX_DELAY.multipliedBy(3)).atMost(MAX_DELAY.multipliedBy(3).plus(WAIT))
			.until(() -> "disconnected".equals(browser.state())
					&& browser.entries("connecting").size() == connecting
					&& browser.entries("heartbeat").size() == heartbeats
					&& browser.entries("reconnect-scheduled").isEmpty());
		assertThat(browser.byId("connect").isEnabled()).isTrue();
		assertThat(browser.byId("disconnect").isEnabled()).isFalse();
		assertThat(browser.byId("send").isEnabled()).isFalse();
		assertThat(browser.byId("message-text").isEnabled()).isFalse();
	}

	@Test
	void shouldConnectAgainWhenConnectIsClicked() {
		awaitOpenAndAcked();
		browser.byId("disconnect").click();
		await().atMost(WAIT).until(() -> "disconnected".equals(browser.state()));
		int acks = browser.entries("ack").size();

		browser.byId("connect").click();

		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2 && browser.entries("ack").size() > acks);
		assertThat(browser.state()).isEqualTo("open");
		assertThat(browser.entries("connecting")).hasSize(2);
	}

	@Test
	void shouldShowAnEchoedImgTagAsTextAndRunNothing() {
		awaitOpenAndAcked();
		String markup = "<img src=x onerror=\"window.heartbeatXss = true\">";
		browser.byId("message-text").sendKeys(markup);
		browser.byId("send").click();

		await().atMost(WAIT).until(() -> !browser.entries("echo").isEmpty());
		assertThat(text(browser.entries("echo").get(0))).isEqualTo("Echo from the server: " + markup);
		assertThat(text(browser.entries("message-sent").get(0))).isEqualTo("Sent: " + markup);
		assertThat(browser.driver().findElements(By.cssSelector("#log img"))).isEmpty();
		assertThat(browser.script("return window.heartbeatXss === undefined;")).isEqualTo(true);
		assertThat(browser.byId("message-text").getDomProperty("value")).isEmpty();
	}

	@Test
	void shouldCloseWith4001AndReconnectWhenNoAckComes() {
		awaitOpenAndAcked();
		// Heartbeats vanish on the way out, as on a dead network; the page's own ack timeout
		// must notice. The first close restores sending, so the reconnect can succeed.
		browser.asyncScript("""
				const done = arguments[arguments.length - 1];
				import('/js/page.js').then(({ client }) => {
				  const send = WebSocket.prototype.send;
				  WebSocket.prototype.send = function (data) {
				    if (!data.includes('"heartbeat"')) send.call(this, data);
				  };
				  client.addEventListener('close', () => { WebSocket.prototype.send = send; }, { once: true });
				  done();
				});
				""");

		await().atMost(WAIT).until(() -> !browser.entries("ack-timeout").isEmpty());
		assertThat(last("close").getDomAttribute("data-code")).isEqualTo("4001");
		assertThat(text(last("close"))).contains("4001");
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() > acks && "open".equals(browser.state()));
	}

	@Test
	void shouldReconnectByItselfWhenTheServerReapsASilentPage() {
		awaitOpenAndAcked();
		// The page goes silent without noticing, like a frozen tab: heartbeats are not sent and
		// the ack timer never starts. The server's reaper must close the session with 4000, and
		// the page must then reconnect by itself. The close restores both.
		browser.asyncScript("""
				const done = arguments[arguments.length - 1];
				import('/js/page.js').then(({ client }) => {
				  const send = WebSocket.prototype.send;
				  const setTimeout = window.setTimeout;
				  const ackTimeout = client.timings.ackTimeout;
				  WebSocket.prototype.send = function (data) {
				    if (!data.includes('"heartbeat"')) send.call(this, data);
				  };
				  window.setTimeout = (fn, ms, ...rest) => (ms === ackTimeout ? 0 : setTimeout(fn, ms, ...rest));
				  client.addEventListener('close', () => {
				    WebSocket.prototype.send = send;
				    window.setTimeout = setTimeout;
				  }, { once: true });
				  done();
				});
				""");

		await().atMost(WAIT).until(() -> !browser.entries("close").isEmpty());
		assertThat(last("close").getDomAttribute("data-code")).isEqualTo("4000");
		assertThat(text(last("close"))).contains("heartbeat timeout");
		assertThat(browser.entries("ack-timeout")).isEmpty();
		assertThat(last("reconnect-scheduled").getDomAttribute("data-attempt")).isEqualTo("1");
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() > acks && "open".equals(browser.state()));
	}

	@Test
	void shouldKeepTheLogTidyAndClearable() {
		awaitOpenAndAcked();
		browser.byId("clear-log").click();
		await().atMost(WAIT).until(() -> browser.entries().size() <= 3);
		assertThat(text(browser.entries().get(0))).isEqualTo("Log cleared");
		WebElement log = browser.byId("log");
		assertThat(log.getDomAttribute("role")).isEqualTo("log");
		assertThat(log.getDomAttribute("aria-live")).isEqualTo("polite");
	}

	private static void awaitOpenAndAcked() {
		await().atMost(WAIT).until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());
	}

	private static WebElement last(String event) {
		List<WebElement> entries = browser.entries(event);
		assertThat(entries).as("log entries " + event).isNotEmpty();
		return entries.get(entries.size() - 1);
	}

	static String text(WebElement entry) {
		return entry.findElement(By.className("log-text")).getText();
	}

}

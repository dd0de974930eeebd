package io.wsheartbeat.browser;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import io.wsheartbeat.support.Nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page served through a real nginx whose {@code proxy_read_timeout} is 2 s, with the server's
 * pings off and its own timeout far away (30 s): while the page beats (every 1 s) the proxy keeps
 * the connection; once its heartbeats pause, nginx cuts the idle connection without a close
 * frame, the page sees 1006 and reconnects through the proxy by itself.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.server-timeout=30s", "heartbeat.server-ping-interval=0" })
@ActiveProfiles({ "demo", "faults" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageBehindProxyTests {

	static final Duration PROXY_READ_TIMEOUT = Duration.ofSeconds(2);

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	private Nginx nginx;

	@BeforeAll
	void startNginx() throws IOException {
		Nginx.assumeInstalled();
		this.nginx = Nginx.proxyTo(this.port, PROXY_READ_TIMEOUT);
	}

	@AfterAll
	void stopNginx() {
		if (this.nginx != null) {
			this.nginx.close();
		}
	}

	@Test
	void aPausedPageIsCutByTheProxyAndReconnectsThroughIt() {
		browser.open("http://127.0.0.1:" + this.nginx.port() + "/?lang=en");
		await().atMost(WAIT).until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());

		// A close stays in the log, so atMost only bounds how long each WebDriver evaluation may take.
		await().during(PROXY_READ_TIMEOUT.multipliedBy(3)).atMost(PROXY_READ_TIMEOUT.multipliedBy(3).plus(WAIT))
			.until(() -> browser.entries("close").isEmpty());
		browser.byId("fault-pause").click();

		await().atMost(WAIT).until(() -> !browser.entries("close").isEmpty());
		assertThat(browser.last("close").getDomAttribute("data-code")).as("cut without a close frame").isEqualTo("1006");
		await().atMost(WAIT).until(() -> browser.entries("open").size() == 2);
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() > acks && "open".equals(browser.state()));
	}

}

package io.wsheartbeat.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.wsheartbeat.HeartbeatApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server goes away and comes back on the same port: the page sees 1001, keeps trying with
 * growing, jittered delays inside their caps, and is open and beating again once the server is
 * back, all without a click.
 */
class ServerRestartTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	static final long INITIAL_DELAY = 100;

	static final long MAX_DELAY = 800;

	private Browser browser;

	private ConfigurableApplicationContext server;

	private int port;

	@BeforeEach
	void start() {
		Browser.assumeInstalled();
		this.port = freePort();
		this.server = startServer(this.port);
		this.browser = Browser.start();
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void shouldReconnectWithGrowingJitteredDelaysAfterAServerRestart() {
		this.browser.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> !this.browser.entries("ack").isEmpty());

		// The page watches the sessions stream, an HTTP response that never ends by itself:
		// the server must end it rather than wait out the graceful shutdown's 30 s for it.
		await().atMost(WAIT).until(() -> "live".equals(this.browser.byId("sessions-status").getDomAttribute("data-status")));
		// What the page logged before the stop is not under test: with the profile's 400 ms ack
		// timeout, a busy machine may already have made it close with 4001 and reconnect.
		int closes = this.browser.entries("close").size();
		int scheduledBefore = this.browser.entries("reconnect-scheduled").size();
		long stopping = System.nanoTime();
		this.server.close();
		this.server = null;
		assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("time to stop").isLessThan(Duration.ofSeconds(10));

		await().atMost(WAIT).until(() -> this.browser.entries("close").size() > closes);
		WebElement goingAway = this.browser.entries("close").get(closes);
		assertThat(goingAway.getDomAttribute("data-code")).isEqualTo("1001");
		await().atMost(WAIT).until(() -> this.browser.entries("reconnect-scheduled").size() >= scheduledBefore + 5);

		List<WebElement> all = this.browser.entries("reconnect-scheduled");
		List<WebElement> scheduled = all.subList(scheduledBefore, all.size());
		for (int i = 0; i < scheduled.size(); i++) {
			int attempt = i + 1;
			long cap = Math.min(MAX_DELAY, INITIAL_DELAY << i);
			WebElement entry = scheduled.get(i);
			assertThat(entry.getDomAttribute("data-attempt")).isEqualTo(String.valueOf(attempt));
			assertThat(Long.parseLong(entry.getDomAttribute("data-cap"))).isEqualTo(cap);
			assertThat(Long.parseLong(entry.getDomAttribute("data-delay"))).isBetween(0L, cap - 1);
		}
		assertThat(this.browser.state()).isIn("reconnecting", "connecting");

		int opens = this.browser.entries("open").size();
		int acks = this.browser.entries("ack").size();
		this.server = startServer(this.port);

		await().atMost(WAIT).until(() -> this.browser.entries("open").size() > opens
				&& this.browser.entries("ack").size() >= acks + 2 && "open".equals(this.browser.state()));
	}

	private static ConfigurableApplicationContext startServer(int port) {
		return new SpringApplicationBuilder(HeartbeatApplication.class).profiles("demo", "browser")
			.properties("server.port=" + port, "spring.main.banner-mode=off", "heartbeat.shutdown.drain=0")
			.run();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

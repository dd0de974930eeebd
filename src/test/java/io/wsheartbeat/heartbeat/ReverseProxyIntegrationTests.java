package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Through a real nginx whose {@code proxy_read_timeout} is 2 s and with the server's pings off:
 * the heartbeat alone keeps a connection open for many timeouts' worth, and a connection that
 * falls silent is cut by nginx at its timeout, which the client sees as 1006 (no close frame).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=30s",
				"heartbeat.slow-interval=2s", "heartbeat.max-interval=2s", "heartbeat.reaper-period=200ms",
				"heartbeat.server-ping-interval=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReverseProxyIntegrationTests {

	static final Duration PROXY_READ_TIMEOUT = Duration.ofSeconds(2);

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	private Nginx nginx;

	private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

	@BeforeAll
	void startNginx() throws Exception {
		Nginx.assumeInstalled();
		this.nginx = Nginx.proxyTo(this.port, PROXY_READ_TIMEOUT);
	}

	@AfterAll
	void stopNginx() {
		this.beats.shutdownNow();
		if (this.nginx != null) {
			this.nginx.close();
		}
	}

	@Test
	void aBeatingClientOutlivesManyProxyTimeouts() {
		try (WireClient client = WireClient.connect(this.nginx.port())) {
			client.awaitFrame("welcome");
			AtomicLong beat = new AtomicLong();
			this.beats.scheduleAtFixedRate(() -> client.heartbeat(beat.incrementAndGet()), 0, 500, TimeUnit.MILLISECONDS);

			await().during(PROXY_READ_TIMEOUT.multipliedBy(5)).atMost(PROXY_READ_TIMEOUT.multipliedBy(6))
				.until(() -> !client.isClosed());

			assertThat(client.count("heartbeat_ack")).isGreaterThanOrEqualTo(15);
		}
		finally {
			this.beats.shutdownNow();
		}
	}

	@Test
	void aSilentClientIsCutByTheProxyAtItsTimeoutAndSees1006() {
		int before = this.registry.size();
		// Before the connect: nginx's timeout runs from the last data it relayed (the welcome), which
		// is later, however late this machine notices the welcome.
		long opened = System.nanoTime();
		try (WireClient client = WireClient.connect(this.nginx.port())) {
			client.awaitFrame("welcome");

			WireClient.Closed closed = client.closed().orTimeout(PROXY_READ_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS).join();

			Duration after = Duration.ofNanos(closed.nanoTime() - opened);
			assertThat(closed.code()).as("no close frame: the proxy dropped the connection").isEqualTo(1006);
			assertThat(after).as("cut at nginx's timeout (its clock is cached per event loop turn: a few ms early at most), "
					+ "long before the server's 30 s")
				.isBetween(PROXY_READ_TIMEOUT.minusMillis(100), PROXY_READ_TIMEOUT.plusSeconds(3));
			// nginx closed its side to the server as well: the server let go of the session.
			await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.size() == before);
		}
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Through a real nginx with a 2 s {@code proxy_read_timeout}, a client that sends nothing at all
 * is kept open by the server's 500 ms pings alone (and the pongs its WebSocket library answers
 * with), for many timeouts' worth: what {@code heartbeat.server-ping-interval} is for.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=30s",
				"heartbeat.slow-interval=2s", "heartbeat.max-interval=2s", "heartbeat.server-ping-interval=500ms" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReverseProxyWithPingsIntegrationTests {

	@LocalServerPort
	int port;

	private Nginx nginx;

	@BeforeAll
	void startNginx() throws Exception {
		Nginx.assumeInstalled();
		this.nginx = Nginx.proxyTo(this.port, ReverseProxyIntegrationTests.PROXY_READ_TIMEOUT);
	}

	@AfterAll
	void stopNginx() {
		if (this.nginx != null) {
			this.nginx.close();
		}
	}

	@Test
	void serverPingsAloneKeepTheProxiedPathOpen() {
		Duration timeout = ReverseProxyIntegrationTests.PROXY_READ_TIMEOUT;
		try (WireClient client = WireClient.connect(this.nginx.port())) {
			client.awaitFrame("welcome");

			await().during(timeout.multipliedBy(5)).atMost(timeout.multipliedBy(6)).until(() -> !client.isClosed());

			assertThat(client.pingsReceived()).isGreaterThanOrEqualTo(10);
			assertThat(client.count("heartbeat_ack")).as("the client never beat").isZero();
		}
	}

}

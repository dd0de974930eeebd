package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client back from a slow network declares its short interval again: its deadline comes nearer,
 * and the reaper, which expected it by the long one, must be told. Server-timeout 1 s, a declared
 * 4 s interval allows 6 s.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=300ms", "heartbeat.ack-timeout=200ms", "heartbeat.server-timeout=1s",
				"heartbeat.reaper-period=100ms", "heartbeat.server-ping-interval=0",
				"heartbeat.slow-interval=4s", "heartbeat.max-interval=4s" })
class ShorterIntervalIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	HeartbeatProperties properties;

	@Test
	void aClientThatGoesBackToAShortIntervalIsReapedByTheShortDeadline() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			client.heartbeat(1, Duration.ofSeconds(4));
			client.awaitFrame("heartbeat_ack");
			// Past the server timeout: the reaper has looked at it and expects it by the 6 s deadline.
			// The hold may start late on a busy machine: it need only end well before that deadline.
			await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4)).until(() -> !client.isClosed());

			long lastHeartbeat = System.nanoTime();
			client.heartbeat(2, Duration.ofMillis(300));
			WireClient.Closed closed = client.closed().orTimeout(10, TimeUnit.SECONDS).join();

			assertThat(closed.code()).isEqualTo(4000);
			assertThat(Duration.ofNanos(closed.nanoTime() - lastHeartbeat)).as("server-timeout after it, not 6 s after the first")
				.isGreaterThanOrEqualTo(this.properties.serverTimeout())
				.isLessThanOrEqualTo(this.properties.serverTimeout().plus(this.properties.reaperPeriod()).plus(ReaperIntegrationTests.SCHEDULING_SLACK));
		}
	}

}

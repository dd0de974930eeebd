package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reaper on a real server with short timings: server-timeout 1 s checked every 100 ms.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=300ms", "heartbeat.ack-timeout=200ms", "heartbeat.server-timeout=1s",
				"heartbeat.reaper-period=100ms", "heartbeat.server-ping-interval=100ms",
				"heartbeat.slow-interval=2s", "heartbeat.max-interval=2s" })
class ReaperIntegrationTests {

	// What a loaded 2-core CI machine may add to the scheduler's own period.
	static final Duration SCHEDULING_SLACK = Duration.ofMillis(700);

	@LocalServerPort
	int port;

	@Autowired
	HeartbeatProperties properties;

	@Autowired
	SessionRegistry registry;

	private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopBeating() {
		this.beats.shutdownNow();
	}

	@Test
	void aSilentClientIsClosedWith4000WithinServerTimeoutPlusReaperPeriod() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			long lastHeartbeat = System.nanoTime(); // no later than the server saw it
			client.heartbeat(1);
			client.awaitFrame("heartbeat_ack");

			WireClient.Closed closed = client.closed().orTimeout(5, TimeUnit.SECONDS).join();

			assertThat(closed.code()).isEqualTo(4000);
			assertThat(closed.reason()).isEqualTo("heartbeat timeout");
			Duration silence = Duration.ofNanos(closed.nanoTime() - lastHeartbeat);
			assertThat(silence).as("the server timeout, then within a reaper period and what a loaded machine adds to it")
				.isGreaterThanOrEqualTo(this.properties.serverTimeout())
				.isLessThanOrEqualTo(this.properties.serverTimeout().plus(this.properties.reaperPeriod()).plus(SCHEDULING_SLACK));
		}
	}

	@Test
	void aClientThatKeepsBeatingIsNeverReaped() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			this.beats.scheduleAtFixedRate(() -> client.heartbeat(System.currentTimeMillis()), 0, 300,
					TimeUnit.MILLISECONDS);

			await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> !client.isClosed());
			assertThat(client.count("heartbeat_ack")).isGreaterThanOrEqualTo(10);
		}
	}

	@Test
	void aClientDeclaringALongIntervalIsKeptPastServerTimeoutAndReapedAfterOneAndAHalfIntervals() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			long lastHeartbeat = System.nanoTime(); // no later than the server saw it
			client.heartbeat(1, Duration.ofSeconds(2));
			client.awaitFrame("heartbeat_ack");

			WireClient.Closed closed = client.closed().orTimeout(5, TimeUnit.SECONDS).join();

			assertThat(closed.code()).isEqualTo(4000);
			assertThat(Duration.ofNanos(closed.nanoTime() - lastHeartbeat))
				.as("silent for 1.5 x the declared 2 s, past the 1 s server timeout, then reaped within a reaper period "
						+ "and what a loaded machine adds to it")
				.isGreaterThanOrEqualTo(Duration.ofSeconds(3))
				.isLessThanOrEqualTo(Duration.ofSeconds(3).plus(this.properties.reaperPeriod()).plus(SCHEDULING_SLACK));
		}
	}

	@Test
	void pongsAloneDoNotKeepASession() {
		try (WireClient client = WireClient.connect(this.port)) {
			String id = client.awaitFrame("welcome").path("sessionId").asString();

			await().atMost(Duration.ofSeconds(1)).until(() -> this.registry.sessions().stream()
				.anyMatch((session) -> session.id().equals(id) && session.lastPongNanos() != TrackedSession.NEVER
						&& session.rttNanos() != TrackedSession.NEVER));
			WireClient.Closed closed = client.closed().orTimeout(5, TimeUnit.SECONDS).join();

			assertThat(client.pingsReceived()).as("pings answered with pongs meanwhile").isGreaterThanOrEqualTo(5);
			assertThat(closed.code()).isEqualTo(4000);
		}
	}

}

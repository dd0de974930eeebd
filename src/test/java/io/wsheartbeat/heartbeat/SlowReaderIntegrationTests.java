package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.SocketClient;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading fills its TCP window and then the server's send buffer: the send
 * to it blocks. That must stay its own problem: pings and reaper run every 100 ms meanwhile,
 * and another client's acks must come as fast as ever.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.max-messages-per-second=100000", "heartbeat.send-time-limit=8s",
				"heartbeat.send-buffer-limit=16MB", "heartbeat.server-ping-interval=100ms",
				"heartbeat.reaper-period=100ms" })
class SlowReaderIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	HeartbeatProperties properties;

	@Test
	void aClientThatStopsReadingDoesNotDelayAnotherClientsAcks() throws Exception {
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try (SocketClient stalled = SocketClient.connectWithSmallWindow(this.port); WireClient healthy = WireClient.connect(this.port)) {
			healthy.awaitFrame("welcome");
			String bigMessage = "{\"type\":\"message\",\"text\":\"" + "x".repeat(7000) + "\"}";
			Future<?> writing = writer.submit(() -> {
				// Bounded: 20,000 echoes of 7 KB is far more than any socket buffer holds.
				for (int i = 0; i < 20_000 && !Thread.currentThread().isInterrupted(); i++) {
					stalled.sendText(bigMessage);
				}
				return null;
			});
			await().atMost(Duration.ofSeconds(6))
				.until(() -> this.registry.sessions().stream().anyMatch((session) -> session.isSendStuckFor(Duration.ofMillis(500))));

			List<Long> rtts = new ArrayList<>();
			long measuring = System.nanoTime();
			for (int beat = 0; beat < 20; beat++) {
				long sent = System.nanoTime();
				healthy.heartbeat(beat);
				int expected = beat;
				healthy.awaitFrame("heartbeat_ack", (ack) -> ack.path("timestamp").asLong() == expected);
				rtts.add(Duration.ofNanos(System.nanoTime() - sent).toMillis());
			}

			Duration measured = Duration.ofNanos(System.nanoTime() - measuring);
			assertThat(this.registry.sessions()).as("the other client's send stuck through all %s of round trips", measured)
				.anyMatch((session) -> session.isSendStuckFor(measured));
			// An ack queued behind the stuck send would wait for the send time limit to give it up.
			long limit = this.properties.sendTimeLimit().dividedBy(8).toMillis();
			assertThat(rtts).as("ack round trips (ms) while the other client's send is blocked, far below its %s limit",
					this.properties.sendTimeLimit())
				.allMatch((rtt) -> rtt < limit);
			writing.cancel(true);
		}
		finally {
			writer.shutdownNow();
		}
	}

	private Set<String> ids() {
		return this.registry.sessions().stream().map(TrackedSession::id).collect(Collectors.toSet());
	}

	@Test
	void aClientThatStopsReadingIsGivenUpAfterTheSendTimeLimit() throws IOException {
		ExecutorService writer = Executors.newSingleThreadExecutor();
		Set<String> before = ids();
		try (SocketClient stalled = SocketClient.connectWithSmallWindow(this.port)) {
			String stalledId = await().atMost(Duration.ofSeconds(5))
				.until(() -> ids().stream().filter((id) -> !before.contains(id)).findFirst().orElse(null),
						(id) -> id != null);
			String bigMessage = "{\"type\":\"message\",\"text\":\"" + "x".repeat(7000) + "\"}";
			writer.submit(() -> {
				for (int i = 0; i < 20_000 && !Thread.currentThread().isInterrupted(); i++) {
					stalled.sendText(bigMessage);
				}
				return null;
			});
			await().atMost(Duration.ofSeconds(6))
				.until(() -> this.registry.find(stalledId).map((session) -> session.isSendStuckFor(Duration.ZERO)).orElse(false));

			await().atMost(Duration.ofSeconds(15)).until(() -> this.registry.find(stalledId).isEmpty());
		}
		finally {
			writer.shutdownNow();
		}
	}

}

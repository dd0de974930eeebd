package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Heartbeat round trips as a well-behaved client sees them, for tests that compare p99s. */
final class AckRoundTrips {

	private AckRoundTrips() {
	}

	/**
	 * Sends heartbeats round-robin over the clients, one at a time, and times each ack in
	 * microseconds. Paced at 40 per second per client, below every test's message rate limit.
	 */
	static List<Long> measure(List<SocketClient> clients, int count) throws IOException {
		List<Long> micros = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			SocketClient client = clients.get(i % clients.size());
			long sent = System.nanoTime();
			client.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + i + "}");
			String ack = client.readText();
			micros.add((System.nanoTime() - sent) / 1000);
			assertThat(ack).contains("\"timestamp\":" + i + ",");
			if (i % clients.size() == clients.size() - 1) {
				// A pause between rounds, as between real heartbeats; Awaitility's poll delay
				// rather than a sleep, with a condition that is already true.
				await().pollDelay(Duration.ofMillis(25)).atMost(Duration.ofSeconds(2)).until(() -> true);
			}
		}
		return micros;
	}

	static long p99(List<Long> samples) {
		List<Long> sorted = new ArrayList<>(samples);
		Collections.sort(sorted);
		return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
	}

}

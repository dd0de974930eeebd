package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's server-side faults, each on the asking session only.
 */
class SimulatedFaultsIntegrationTests {

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.demo.faults-enabled=true")
	class WhenEnabled {

		@LocalServerPort
		int port;

		@Test
		void dropAcksSilencesAcksForThatSessionOnly() {
			try (WireClient faulty = WireClient.connect(this.port); WireClient neighbour = WireClient.connect(this.port)) {
				faulty.send("{\"type\":\"simulate\",\"fault\":\"drop-acks\"}");
				assertThat(faulty.awaitFrame("simulated").path("fault").asString()).isEqualTo("drop-acks");

				faulty.heartbeat(1);
				neighbour.heartbeat(2);

				assertThat(neighbour.awaitFrame("heartbeat_ack")).isNotNull();
				// The neighbour's ack has come, so the faulty session's would have too: none for 800 ms.
				// Nothing can make the count 0 again, so atMost only bounds how late the polling runs.
				await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> faulty.count("heartbeat_ack") == 0);
				faulty.send("{\"type\":\"simulate\",\"fault\":\"none\"}");
				faulty.heartbeat(3);
				assertThat(faulty.awaitFrame("heartbeat_ack").path("timestamp").asLong()).isEqualTo(3);
			}
		}

		@Test
		void delayAcksAnswersLateByTheDelayAsked() {
			try (WireClient client = WireClient.connect(this.port)) {
				client.send("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":600}");
				JsonNode confirmation = client.awaitFrame("simulated");
				assertThat(confirmation.path("delay").asLong()).isEqualTo(600);

				long sent = System.nanoTime();
				client.heartbeat(1);
				client.awaitFrame("heartbeat_ack");

				assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
			}
		}

		@Test
		void aDelayBeyondTheLimitIsRefused() {
			try (WireClient client = WireClient.connect(this.port)) {
				client.send("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":600000}");

				assertThat(client.awaitFrame("error").path("code").asString()).isEqualTo("invalid-field");
			}
		}

		@Test
		void dropConnectionCutsTheConnectionWithoutACloseFrame() {
			try (WireClient client = WireClient.connect(this.port)) {
				client.awaitFrame("welcome");
				client.send("{\"type\":\"simulate\",\"fault\":\"drop-connection\"}");

				assertThat(client.closed().orTimeout(5, TimeUnit.SECONDS).join().code()).isEqualTo(1006);
			}
		}

		@Test
		void stopNodeIsRefusedOnAServerOfItsOwnAndServiceGoesOn() {
			try (WireClient client = WireClient.connect(this.port)) {
				client.awaitFrame("welcome");
				client.send("{\"type\":\"simulate\",\"fault\":\"stop-node\"}");

				JsonNode error = client.awaitFrame("error");
				assertThat(error.path("code").asString()).isEqualTo("faults-disabled");
				assertThat(error.path("message").asString()).contains("heartbeat.cluster.enabled");
				client.heartbeat(5);
				assertThat(client.awaitFrame("heartbeat_ack").path("timestamp").asLong()).isEqualTo(5);
			}
		}

	}

	@Nested
	// The product's defaults: no demo profile, no property.
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	class AsShipped {

		@LocalServerPort
		int port;

		@Test
		void everyFaultIsRefusedWithAnErrorAndServiceGoesOn() {
			try (WireClient client = WireClient.connect(this.port)) {
				for (String fault : new String[] { "drop-acks", "drop-connection", "stop-node" }) {
					client.send("{\"type\":\"simulate\",\"fault\":\"" + fault + "\"}");
				}
				client.send("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":100}");

				await().atMost(Duration.ofSeconds(5)).until(() -> client.count("error") == 4);
				assertThat(client.received()).filteredOn((frame) -> "error".equals(frame.path("type").asString()))
					.allMatch((error) -> "faults-disabled".equals(error.path("code").asString()));
				client.heartbeat(9);
				assertThat(client.awaitFrame("heartbeat_ack").path("timestamp").asLong()).isEqualTo(9);
				assertThat(client.count("simulated")).isZero();
			}
		}

	}

}

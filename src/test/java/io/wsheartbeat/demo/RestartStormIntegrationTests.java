package io.wsheartbeat.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart storm of 300 clients: with full jitter their reconnects spread over the first delay;
 * with the reference page's fixed 5 s they all land in the same instant.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.demo.faults-enabled=true")
class RestartStormIntegrationTests {

	private static final int CLIENTS = 300;

	/**
	 * What a loaded two-core machine may add to a client's own delay before its knock is counted:
	 * the server closes the fleet one session after another, one HttpClient thread reads the 300
	 * close frames, and one timer thread fires the reconnects. Knocks are counted from the
	 * restart, so this delay is in them; the code promises only the delay after each close.
	 */
	private static final Duration DELIVERY_SLACK = Duration.ofSeconds(1);

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper jsonMapper;

	@Autowired
	HeartbeatProperties properties;

	@Test
	void fullJitterSpreadsTheReconnects() throws Exception {
		JsonNode storm = storm("full-jitter");
		List<Integer> buckets = buckets(storm);
		long bucketMillis = storm.path("bucketMillis").asLong();
		Duration initialDelay = this.properties.reconnect().initialDelay();

		assertThat(storm.path("reconnected").asInt()).isEqualTo(CLIENTS);
		// 300 delays drawn from [0, 1 s): the largest is below 700 ms with probability 0.7^300.
		assertThat(Duration.ofMillis(buckets.size() * bucketMillis))
			.as("the last knock comes late in the initial delay (%s): the delays span all of it; per %d ms: %s",
					initialDelay, bucketMillis, buckets)
			.isGreaterThan(initialDelay.multipliedBy(7).dividedBy(10));
		assertThat(Duration.ofMillis((buckets.size() - 1) * bucketMillis))
			.as("and no later than the initial delay plus the time the 1012s and timers take on a loaded machine "
					+ "(%s): each client's first attempt brought it back; per %d ms: %s", DELIVERY_SLACK, bucketMillis,
					buckets)
			.isLessThan(initialDelay.plus(DELIVERY_SLACK));
		// Uniform delays put about half of the knocks in any half of the initial delay. A stalled
		// timer thread releases what fell due meanwhile at once, which a 100 ms bucket shows but a
		// window this wide absorbs; a herd puts nearly all of them in it.
		int window = (int) (initialDelay.toMillis() / 2 / bucketMillis);
		assertThat(busiest(buckets, window))
			.as("no half of the initial delay holds more than three quarters of the knocks; per %d ms: %s", bucketMillis,
					buckets)
			.isLessThanOrEqualTo(CLIENTS * 3 / 4);
		assertThat(storm.path("largestBucketShare").asDouble()).as("the share the page shows")
			.isEqualTo((double) busiest(buckets, 1) / CLIENTS);
	}

	@Test
	void aFixedDelayBringsEveryoneBackAtOnce() throws Exception {
		JsonNode storm = storm("fixed");
		List<Integer> buckets = buckets(storm);
		long bucketMillis = storm.path("bucketMillis").asLong();
		int first = (int) buckets.stream().takeWhile((count) -> count == 0).count();

		assertThat(storm.path("reconnected").asInt()).isEqualTo(CLIENTS);
		assertThat(Duration.ofMillis(first * bucketMillis))
			.as("nobody knocks before the fixed delay (%s): each waits all of it after its close; per %d ms: %s",
					RestartStorm.REFERENCE_DELAY, bucketMillis, buckets)
			.isGreaterThanOrEqualTo(RestartStorm.REFERENCE_DELAY);
		assertThat(Duration.ofMillis((buckets.size() - 1) * bucketMillis))
			.as("and everybody within the time the 1012s and timers take on a loaded machine (%s) after it: "
					+ "the same delay brings them back together; per %d ms: %s", DELIVERY_SLACK, bucketMillis, buckets)
			.isLessThan(RestartStorm.REFERENCE_DELAY.plus(DELIVERY_SLACK));
	}

	@Test
	void tooManyClientsAreRefused() throws Exception {
		HttpResponse<String> response = post("clients=100000&backoff=fixed");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("heartbeat.demo.storm-max-clients");
	}

	/** The most knocks in any {@code width} consecutive buckets. */
	static int busiest(List<Integer> buckets, int width) {
		int busiest = 0;
		for (int start = 0; start < buckets.size(); start++) {
			int sum = 0;
			for (int i = start; i < Math.min(buckets.size(), start + width); i++) {
				sum += buckets.get(i);
			}
			busiest = Math.max(busiest, sum);
		}
		return busiest;
	}

	private List<Integer> buckets(JsonNode storm) {
		return this.jsonMapper.treeToValue(storm.path("reconnectsPerBucket"),
				this.jsonMapper.getTypeFactory().constructCollectionType(List.class, Integer.class));
	}

	private JsonNode storm(String backoff) throws Exception {
		HttpResponse<String> response = post("clients=" + CLIENTS + "&backoff=" + backoff);
		assertThat(response.statusCode()).isEqualTo(200);
		return this.jsonMapper.readTree(response.body());
	}

	private HttpResponse<String> post(String query) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/demo/restart-storm?" + query))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}

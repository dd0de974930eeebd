package io.wsheartbeat.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart storm of 300 clients: with full jitter their reconnects spread over the first delay;
 * with the reference page's fixed 5 s they all land in the same instant.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.demo.faults-enabled=true")
class RestartStormIntegrationTests {

	private static final int CLIENTS = 300;

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void fullJitterSpreadsTheReconnects() throws Exception {
		JsonNode storm = storm("full-jitter");

		assertThat(storm.path("reconnected").asInt()).isEqualTo(CLIENTS);
		assertThat(storm.path("largestBucketShare").asDouble()).as("no 100 ms bucket holds more than a quarter")
			.isLessThanOrEqualTo(0.25);
		assertThat(storm.path("reconnectsPerBucket").size()).as("spread over the 1 s initial delay")
			.isBetween(8, 12);
	}

	@Test
	void aFixedDelayBringsEveryoneBackAtOnce() throws Exception {
		JsonNode storm = storm("fixed");

		assertThat(storm.path("reconnected").asInt()).isEqualTo(CLIENTS);
		List<Integer> buckets = this.jsonMapper.treeToValue(storm.path("reconnectsPerBucket"),
				this.jsonMapper.getTypeFactory().constructCollectionType(List.class, Integer.class));
		int busiestPair = 0;
		for (int i = 0; i + 1 < buckets.size(); i++) {
			busiestPair = Math.max(busiestPair, buckets.get(i) + buckets.get(i + 1));
		}
		assertThat(busiestPair).as("nearly all within one 100 ms bucket (or straddling two)")
			.isGreaterThanOrEqualTo((int) (CLIENTS * 0.9));
		assertThat(buckets.size() * 100L).as("and only after the 5 s delay").isGreaterThan(5000);
	}

	@Test
	void tooManyClientsAreRefused() throws Exception {
		HttpResponse<String> response = post("clients=100000&backoff=fixed");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("heartbeat.demo.storm-max-clients");
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

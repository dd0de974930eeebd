package io.wsheartbeat.heartbeat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The upgrade to {@code /ws} is not timed as an HTTP request; a page still is. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class UpgradeObservationIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	void theUpgradeIsNotObservedAsAnHttpRequest() throws Exception {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
		}
		HttpResponse<Void> page = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/")).build(),
					HttpResponse.BodyHandlers.discarding());
		assertThat(page.statusCode()).isEqualTo(200);

		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.meters.find(UpgradeObservation.SERVER_REQUESTS).tag("status", "200").timer() != null);
		assertThat(this.meters.find(UpgradeObservation.SERVER_REQUESTS).tag("status", "101").timers()).isEmpty();
		assertThat(this.meters.find(UpgradeObservation.SERVER_REQUESTS).tag("uri", "/ws").timers()).isEmpty();
	}

}

package io.wsheartbeat.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar as shipped, with no profile and no property: the demo's switches are off. Nobody who
 * reaches the port can list the sessions or start a restart storm, and the page says how to turn
 * the demo on instead of offering it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ProductDefaultsIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Test
	void shouldAnswerNoSessionData() throws Exception {
		for (String path : new String[] { "/api/sessions", "/api/sessions/stream" }) {
			HttpResponse<String> response = send("GET", path);

			assertThat(response.statusCode()).as(path).isEqualTo(403);
			assertThat(response.body()).as(path)
				.contains("heartbeat.view.enabled=false")
				.doesNotContain("remoteAddress");
		}
	}

	@Test
	void shouldAnswerNoPresence() throws Exception {
		for (String path : new String[] { "/api/presence", "/api/presence/client:abc", "/api/presence/stream" }) {
			HttpResponse<String> response = send("GET", path);

			assertThat(response.statusCode()).as(path).isEqualTo(403);
			assertThat(response.body()).as(path).contains("heartbeat.presence.enabled=false");
		}
	}

	@Test
	void shouldRefuseTheRestartStorm() throws Exception {
		HttpResponse<String> response = send("POST", "/api/demo/restart-storm?clients=10");

		assertThat(response.statusCode()).isBetween(400, 499);
	}

	@Test
	void shouldSayOnThePageHowToTurnTheDemoOn() throws Exception {
		String page = send("GET", "/?lang=en").body();

		assertThat(page).contains("id=\"faults-off\"", "id=\"sessions-off\"", "--spring.profiles.active=demo")
			.doesNotContain("id=\"sessions-view\"");
		assertThat(send("GET", "/sessions?lang=en").body()).contains("id=\"sessions-off\"")
			.doesNotContain("data-stream=");
	}

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}

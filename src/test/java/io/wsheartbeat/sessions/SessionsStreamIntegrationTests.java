package io.wsheartbeat.sessions;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live sessions view over server-sent events: a session appears while open and, once
 * reaped, stays in the view with close code 4000.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.view.enabled=true", "heartbeat.interval=300ms", "heartbeat.ack-timeout=200ms", "heartbeat.server-timeout=1s",
				"heartbeat.reaper-period=100ms", "heartbeat.view.refresh=100ms" })
class SessionsStreamIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void streamShowsASessionWhileOpenAndItsCloseCodeOnceReaped() throws Exception {
		CopyOnWriteArrayList<JsonNode> views = new CopyOnWriteArrayList<>();
		ExecutorService reader = Executors.newSingleThreadExecutor();
		HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/sessions/stream")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
		assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/event-stream"));
		try {
			reader.execute(() -> readEvents(stream, views));
			WebSocket silent = HttpClient.newHttpClient().newWebSocketBuilder()
				.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/ws"), new WebSocket.Listener() {
					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						webSocket.request(1);
						return null;
					}
				})
				.join();

			String id = await().atMost(Duration.ofSeconds(5)).until(() -> views.stream()
				.flatMap((view) -> view.path("open").valueStream())
				.map((session) -> session.path("id").asString())
				.findFirst().orElse(null), (found) -> found != null);

			JsonNode closed = await().atMost(Duration.ofSeconds(5)).until(() -> views.stream()
				.flatMap((view) -> view.path("recentlyClosed").valueStream())
				.filter((entry) -> id.equals(entry.path("session").path("id").asString()))
				.findFirst().orElse(null), (found) -> found != null);
			assertThat(closed.path("closeCode").asInt()).isEqualTo(4000);
			assertThat(closed.path("closeReason").asString()).isEqualTo("heartbeat timeout");
			silent.abort();
		}
		finally {
			stream.body().close();
			reader.shutdownNow();
		}
	}

	private void readEvents(HttpResponse<java.io.InputStream> stream, CopyOnWriteArrayList<JsonNode> views) {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
			// Bounded by the test: the stream ends when the test closes it.
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith("data:")) {
					views.add(this.jsonMapper.readTree(line.substring("data:".length())));
				}
			}
		}
		catch (java.io.IOException ex) {
			// The test closed the stream.
		}
	}

}

package io.wsheartbeat.presence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Presence on a server of its own, through its API and its stream, with real WebSocket clients:
 * the key a handshake gives, the grace after a dropped connection, the goodbye.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.presence.enabled=true", "heartbeat.presence.grace=" + PresenceIntegrationTests.GRACE_SECONDS + "s" })
class PresenceIntegrationTests {

	static final int GRACE_SECONDS = 2;

	/** A transition made on a session's open or close reaches the stream at once; slack for a busy machine. */
	private static final Duration AT_ONCE = Duration.ofSeconds(5);

	/** The grace, the expiry pass that notices its end, and slack for a busy machine. */
	private static final Duration GRACE_OVER = Duration.ofSeconds(GRACE_SECONDS)
		.plus(PresenceConfiguration.EXPIRY_PASS)
		.plusSeconds(2);

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper jsonMapper;

	private final List<JsonNode> transitions = new CopyOnWriteArrayList<>();

	private final List<JsonNode> pages = new CopyOnWriteArrayList<>();

	private final ExecutorService reader = Executors.newSingleThreadExecutor();

	private HttpResponse<InputStream> stream;

	@BeforeEach
	void watch() throws Exception {
		this.stream = http.send(HttpRequest.newBuilder(uri("http", "/api/presence/stream")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(this.stream.statusCode()).isEqualTo(200);
		this.reader.execute(this::read);
		await("the stream's first page").atMost(AT_ONCE).until(() -> !this.pages.isEmpty());
	}

	@AfterEach
	void stopWatching() throws Exception {
		this.stream.body().close();
		this.reader.shutdownNow();
		this.reader.awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void twoSessionsOfOneClientAreOneKeyOnlineUntilTheLastCloses() throws Exception {
		WebSocket first = connect("?client=two-tabs");
		WebSocket second = connect("?client=two-tabs");
		await().atMost(AT_ONCE).untilAsserted(() -> assertThat(key("client:two-tabs").path("sessions")).hasSize(2));
		assertThat(key("client:two-tabs").path("state").asString()).isEqualTo("online");

		first.abort();
		await().atMost(AT_ONCE).untilAsserted(() -> assertThat(key("client:two-tabs").path("sessions")).hasSize(1));
		assertThat(key("client:two-tabs").path("state").asString()).as("one tab left").isEqualTo("online");
		assertThat(states("client:two-tabs")).containsExactly("online");
		second.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
		await().atMost(AT_ONCE).until(() -> states("client:two-tabs").size() == 2);
		assertThat(states("client:two-tabs")).containsExactly("online", "offline");
	}

	@Test
	void aDroppedConnectionIsReconnectingThenOnlineAgainAndNeverOffline() throws Exception {
		connect("?client=dropped").abort();
		await().atMost(AT_ONCE).until(() -> states("client:dropped").contains("reconnecting"));
		assertThat(last("client:dropped").path("reason").asString()).as("the close that began the grace")
			.startsWith("closed 1006");

		WebSocket back = connect("?client=dropped");
		await().atMost(AT_ONCE).until(() -> states("client:dropped").size() == 3);
		assertThat(states("client:dropped")).containsExactly("online", "reconnecting", "online");
		assertThat(last("client:dropped").path("reason").asString()).isEqualTo("reconnected");
		assertThat(key("client:dropped").path("state").asString()).isEqualTo("online");
		back.abort();
	}

	@Test
	void aGoodbyeIsOfflineAtOnceAndASilentGoodbyeWhenTheGraceRunsOut() throws Exception {
		connect("?client=leaving").sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
		connect("?client=vanishing").abort();
		await().atMost(AT_ONCE).until(() -> states("client:leaving").contains("offline"));
		assertThat(last("client:leaving").path("reason").asString()).isEqualTo("disconnected");
		assertThat(states("client:vanishing")).as("within its grace").doesNotContain("offline");

		await().atMost(GRACE_OVER).until(() -> states("client:vanishing").contains("offline"));
		assertThat(states("client:vanishing")).containsExactly("online", "reconnecting", "offline");
		assertThat(last("client:vanishing").path("reason").asString()).isEqualTo("grace ran out");
		JsonNode page = json(http.send(HttpRequest.newBuilder(uri("http", "/api/presence?limit=1")).build(),
				HttpResponse.BodyHandlers.ofString()).body());
		assertThat(page.path("counts").path("offline").asLong()).as("offline keys stay listed a while")
			.isGreaterThanOrEqualTo(2);
		assertThat(page.path("keys")).hasSize(1);
		assertThat(page.path("next").asString()).isNotEmpty();
	}

	@Test
	void prometheusShowsTheTransitionsAndTheKeysPerState() throws Exception {
		connect("?client=scraped").sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
		await().atMost(AT_ONCE).until(() -> states("client:scraped").contains("offline"));

		String scrape = http.send(HttpRequest.newBuilder(uri("http", "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		assertThat(scrape).containsPattern("heartbeat_presence_transitions_total\\{state=\"offline\"\\} [1-9]")
			.containsPattern("heartbeat_presence_keys\\{state=\"offline\"\\} [1-9]")
			.contains("heartbeat_presence_keys{state=\"reconnecting\"}");
	}

	@Test
	void eventsComeInOneOrder() throws Exception {
		for (int i = 0; i < 5; i++) {
			connect("?client=ordered-" + i).sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
		}
		await().atMost(AT_ONCE).until(() -> this.transitions.size() >= 10);
		List<Long> sequences = this.transitions.stream().map((event) -> event.path("sequence").asLong()).toList();
		assertThat(sequences).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aSessionWithNoClientIdIsAKeyOfItsOwn() throws Exception {
		WebSocket anonymous = connect("");
		await().atMost(AT_ONCE).until(() -> this.transitions.stream()
			.anyMatch((event) -> event.path("key").asString().startsWith("session:")));
		anonymous.abort();
	}

	@Test
	void aMalformedClientIdIsRefusedWithAReason() throws Exception {
		String answer;
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout((int) AT_ONCE.toMillis());
			socket.getOutputStream()
				.write(("GET /ws?client=not%20an%20id HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
						+ "Connection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}

		assertThat(answer).startsWith("HTTP/1.1 400").contains("client must be one id");
		assertThat(key("client:not an id").path("reason").asString()).isEqualTo("unknown");
	}

	private WebSocket connect(String query) {
		CompletableFuture<Void> welcomed = new CompletableFuture<>();
		WebSocket socket = http.newWebSocketBuilder()
			.buildAsync(uri("ws", "/ws" + query), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					welcomed.complete(null);
					webSocket.request(1);
					return null;
				}
			})
			.join();
		welcomed.orTimeout(AT_ONCE.toMillis(), TimeUnit.MILLISECONDS).join();
		return socket;
	}

	private JsonNode key(String key) throws IOException, InterruptedException {
		String path = "/api/presence/" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
		return json(http.send(HttpRequest.newBuilder(uri("http", path)).build(), HttpResponse.BodyHandlers.ofString())
			.body());
	}

	private List<String> states(String key) {
		return this.transitions.stream()
			.filter((event) -> event.path("key").asString().equals(key))
			.map((event) -> event.path("state").asString())
			.toList();
	}

	private JsonNode last(String key) {
		return this.transitions.stream()
			.filter((event) -> event.path("key").asString().equals(key))
			.reduce((a, b) -> b)
			.orElseThrow();
	}

	private JsonNode json(String body) {
		return this.jsonMapper.readTree(body);
	}

	private URI uri(String scheme, String path) {
		return URI.create(scheme + "://127.0.0.1:" + this.port + path);
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.stream.body(), StandardCharsets.UTF_8))) {
			String event = null;
			// Bounded by the test: the stream ends when the test closes it.
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.startsWith("event:")) {
					event = line.substring("event:".length()).trim();
				}
				else if (line.startsWith("data:")) {
					JsonNode data = json(line.substring("data:".length()));
					("page".equals(event) ? this.pages : this.transitions).add(data);
				}
			}
		}
		catch (IOException ex) {
			// The test closed the stream.
		}
	}

}

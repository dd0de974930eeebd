package io.wsheartbeat.heartbeat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Protocol v1 on a real server, spoken by a real WebSocket client.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.view.enabled=true", "heartbeat.interval=3s", "heartbeat.ack-timeout=1s", "heartbeat.server-timeout=7s",
				"heartbeat.slow-rtt=800ms", "heartbeat.slow-interval=5s", "heartbeat.max-interval=6s",
				"heartbeat.max-message-size=1KB" })
class ProtocolIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	JsonMapper jsonMapper;

	@Test
	void welcomeCarriesTheSessionIdAndTheTimingsToAdopt() {
		try (WireClient client = WireClient.connect(this.port)) {
			JsonNode welcome = client.awaitFrame("welcome");

			assertThat(welcome.path("sessionId").asString()).matches("[0-9a-f-]{36}");
			assertThat(welcome.path("interval").asLong()).isEqualTo(3000);
			assertThat(welcome.path("ackTimeout").asLong()).isEqualTo(1000);
			assertThat(welcome.path("serverTimeout").asLong()).isEqualTo(7000);
			assertThat(welcome.path("slowRtt").asLong()).isEqualTo(800);
			assertThat(welcome.path("slowInterval").asLong()).isEqualTo(5000);
			assertThat(welcome.path("maxInterval").asLong()).isEqualTo(6000);
		}
	}

	@Test
	void ackEchoesTheClientsTimestampUnchanged() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			long before = System.currentTimeMillis();
			client.send("{\"type\":\"heartbeat\",\"timestamp\":1732500000123,\"interval\":3000}");
			client.send("{\"type\":\"heartbeat\",\"timestamp\":12.5}");

			JsonNode ack = client.awaitFrame("heartbeat_ack", (frame) -> frame.path("timestamp").asLong() == 1732500000123L);
			assertThat(ack.path("timestamp").isIntegralNumber()).isTrue();
			assertThat(ack.path("serverTime").asLong()).isBetween(before, System.currentTimeMillis());
			JsonNode fractional = client.awaitFrame("heartbeat_ack", (frame) -> frame.path("timestamp").isFloatingPointNumber());
			assertThat(fractional.path("timestamp").asDouble()).isEqualTo(12.5);
		}
	}

	@Test
	void messageIsEchoedWithTheServerTime() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.send("{\"type\":\"message\",\"text\":\"héllo <b>世界</b>\"}");

			JsonNode echo = client.awaitFrame("echo");
			assertThat(echo.path("text").asString()).isEqualTo("héllo <b>世界</b>");
			assertThat(echo.path("serverTime").asLong()).isPositive();
		}
	}

	@Test
	void eachKindOfUnusableInputGetsItsErrorAndTheSessionIsStillServed() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			String[][] cases = {
					{ "not json", "invalid-json" },
					{ "{\"type\":", "invalid-json" },
					{ "[1,2,3]", "not-an-object" },
					{ "\"heartbeat\"", "not-an-object" },
					{ "{}", "missing-type" },
					{ "{\"type\":null}", "missing-type" },
					{ "{\"type\":\"subscribe\"}", "unknown-type" },
					{ "{\"type\":42}", "invalid-field" },
					{ "{\"type\":\"heartbeat\",\"timestamp\":\"now\"}", "invalid-field" },
					{ "{\"type\":\"heartbeat\",\"interval\":-5}", "invalid-field" },
					{ "{\"type\":\"heartbeat\",\"interval\":1e400}", "invalid-field" },
					{ "{\"type\":\"heartbeat\",\"interval\":99999999999999999999999}", "invalid-field" },
					{ "{\"type\":\"message\",\"text\":7}", "invalid-field" },
					{ "{\"type\":\"message\"}", "invalid-field" } };
			for (String[] badInput : cases) {
				client.send(badInput[0]);
			}

			await().atMost(Duration.ofSeconds(5)).until(() -> client.count("error") == cases.length);
			String[] codes = errorCodes(client);
			for (int i = 0; i < cases.length; i++) {
				assertThat(codes[i]).as("error for %s", cases[i][0]).isEqualTo(cases[i][1]);
			}
			client.heartbeat(77);
			client.awaitFrame("heartbeat_ack", (frame) -> frame.path("timestamp").asLong() == 77);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void aMessageOverTheSizeLimitIsClosedWith1009() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.send("{\"type\":\"message\",\"text\":\"" + "x".repeat(2048) + "\"}");

			assertThat(client.closed().join().code()).isEqualTo(1009);
		}
	}

	@Test
	void aBinaryFrameIsClosedWith1003() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.sendBinary(new byte[] { 1, 2, 3 });

			assertThat(client.closed().join().code()).isEqualTo(1003);
		}
	}

	@Test
	void aHandshakeFromAnotherOriginIsRefusedWith403() {
		assertThatThrownBy(() -> WireClient.connect(this.port, "http://evil.example"))
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void aHandshakeFromTheServersOwnOriginIsAccepted() {
		try (WireClient client = WireClient.connect(this.port, "http://127.0.0.1:" + this.port)) {
			assertThat(client.awaitFrame("welcome")).isNotNull();
		}
	}

	@Test
	void sessionsApiMatchesTheOpenSessionsAndForgetsClosedOnes() throws Exception {
		String id;
		try (WireClient client = WireClient.connect(this.port)) {
			id = client.awaitFrame("welcome").path("sessionId").asString();
			client.heartbeat(1, Duration.ofSeconds(5));
			client.awaitFrame("heartbeat_ack");

			JsonNode session = await().atMost(Duration.ofSeconds(5))
				.until(() -> sessionById(id), (found) -> found != null);
			assertThat(session.path("remoteAddress").asString()).startsWith("127.0.0.1:");
			assertThat(session.path("declaredIntervalMillis").asLong()).isEqualTo(5000);
			assertThat(session.path("deadlineMillis").asLong()).isEqualTo(7500);
			assertThat(session.path("heartbeatsAcked").asLong()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> sessionById(id) == null);
	}

	private JsonNode sessionById(String id) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/sessions")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		for (JsonNode session : this.jsonMapper.readTree(response.body())) {
			if (id.equals(session.path("id").asString())) {
				return session;
			}
		}
		return null;
	}

	private static String[] errorCodes(WireClient client) {
		return client.received().stream()
			.filter((frame) -> "error".equals(frame.path("type").asString()))
			.map((frame) -> frame.path("code").asString())
			.toArray(String[]::new);
	}

}

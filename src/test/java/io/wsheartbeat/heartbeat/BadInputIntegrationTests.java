package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.BadInputs;
import io.wsheartbeat.support.SocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The decoder's bad inputs, sent over a real connection to the real handler, plus what only the
 * wire can carry: bytes that are not UTF-8, binary frames, frames past the size limit, garbage
 * instead of frames. Frames come from {@link BadInputs} with fixed seeds, so a failure repeats.
 *
 * <p>Shown for each: exactly one answer of a documented kind, or the documented close code; no
 * stack trace in any frame; nothing logged at ERROR; and the server goes on serving.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.max-messages-per-second=1000000", "heartbeat.max-message-size=8KB" })
@ExtendWith(OutputCaptureExtension.class)
class BadInputIntegrationTests {

	private static final int MAX_MESSAGE_SIZE = 8192;

	private static final JsonMapper strictJson = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void everyGeneratedFrameGetsOneDocumentedAnswerAndTheSessionLivesOn(CapturedOutput output) throws IOException {
		List<String> frames = BadInputs.sample(BadInputs.frames(), 3000, 20261125L)
			.stream()
			.filter((frame) -> frame.getBytes(StandardCharsets.UTF_8).length <= MAX_MESSAGE_SIZE)
			.toList();
		String sessionId;
		try (SocketClient client = SocketClient.connect(this.port)) {
			JsonNode welcome = strict(client.readText());
			assertThat(type(welcome)).isEqualTo("welcome");
			sessionId = welcome.path("sessionId").asString();
			for (String frame : frames) {
				client.sendText(frame);
				String answer = client.readText();

				assertThat(answer).as("answer to %s", frame).doesNotContain("Exception", "\tat ", "tools.jackson");
				JsonNode json = strict(answer);
				assertThat(type(json)).as("answer to %s", frame).isIn("heartbeat_ack", "echo", "error");
				if ("error".equals(type(json))) {
					assertThat(json.path("code").asString()).isIn(BadInputs.ERROR_CODES);
				}
			}
			client.sendText("{\"type\":\"heartbeat\",\"timestamp\":7}");
			assertThat(strict(client.readText()).path("timestamp").asLong()).as("still served after all that").isEqualTo(7);
			client.closeHandshake();
		}
		assertThat(frames).hasSizeGreaterThan(2000);
		String closedNormally = "Session " + sessionId + " from \\S+ closed: 1000";
		await().atMost(Duration.ofSeconds(5)).until(() -> Pattern.compile(closedNormally).matcher(output.getAll()).find());
		assertThat(output.getAll()).doesNotContain(" ERROR ")
			.doesNotContain("\tat ")
			.doesNotContainPattern("Session " + sessionId + " from \\S+ failed");
	}

	@Test
	void theSameSeedGivesTheSameFrames() {
		assertThat(BadInputs.sample(BadInputs.frames(), 50, 7L)).isEqualTo(BadInputs.sample(BadInputs.frames(), 50, 7L));
	}

	@Test
	void framesOverTheSizeLimitAreClosedWith1009(CapturedOutput output) throws IOException {
		Random random = new Random(1009);
		List<String> huge = BadInputs.sample(BadInputs.deepJson(), 200, 1009L)
			.stream()
			.filter((frame) -> frame.length() > MAX_MESSAGE_SIZE)
			.limit(10)
			.toList();
		List<String> frames = new java.util.ArrayList<>(huge);
		// The limit counts characters as decoded, not bytes: 8,193 two-byte characters are over it.
		frames.add("{\"type\":\"message\",\"text\":\"" + "\u00E9".repeat(MAX_MESSAGE_SIZE + 1) + "\"}");
		frames.add("x".repeat(1024 * 1024 + random.nextInt(1024)));

		for (String frame : frames) {
			try (SocketClient client = SocketClient.connect(this.port)) {
				client.readText();
				client.sendText(frame);
				assertThat(client.awaitClose(8)).as("close code for %d bytes", frame.length()).isEqualTo(1009);
			}
		}
		assertServerStillServes();
		assertThat(output.getAll()).doesNotContain(" ERROR ");
	}

	@Test
	void textThatIsNotUtf8IsClosedWith1007AndBinaryWith1003(CapturedOutput output) throws IOException {
		Random random = new Random(1007);
		byte[][] notUtf8 = { { (byte) 0xC3 }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xFF, (byte) 0xFE },
				{ '{', '"', (byte) 0xC0, (byte) 0xAF, '"', '}' }, { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 } };
		for (byte[] payload : notUtf8) {
			try (SocketClient client = SocketClient.connect(this.port)) {
				client.readText();
				client.send(SocketClient.TEXT, payload);
				assertThat(client.awaitClose(8)).isEqualTo(1007);
			}
		}
		for (int i = 0; i < 5; i++) {
			byte[] payload = new byte[random.nextInt(MAX_MESSAGE_SIZE)];
			random.nextBytes(payload);
			try (SocketClient client = SocketClient.connect(this.port)) {
				client.readText();
				client.send(SocketClient.BINARY, payload);
				assertThat(client.awaitClose(8)).isEqualTo(1003);
			}
		}
		assertServerStillServes();
		assertThat(output.getAll()).doesNotContain(" ERROR ");
	}

	@Test
	void garbageInsteadOfFramesEndsOnlyThatConnection(CapturedOutput output) throws IOException {
		Random random = new Random(1002);
		for (int i = 0; i < 30; i++) {
			byte[] garbage = new byte[1 + random.nextInt(4096)];
			random.nextBytes(garbage);
			try (SocketClient client = SocketClient.connect(this.port)) {
				client.readText();
				client.readTimeout(1000);
				client.send(garbage);
				// Reserved bits, unmasked frames, lengths past the limit, broken UTF-8, binary:
				// each has its close code; a connection the server cannot parse may also just end.
				assertThat(client.awaitClose(64)).isIn(1002, 1003, 1007, 1009, SocketClient.ABNORMAL);
			}
			catch (java.net.SocketTimeoutException ex) {
				// A frame header that announces more bytes than were sent: the server is still
				// waiting for them, which is right. Nothing to assert but that it serves others.
			}
		}
		assertServerStillServes();
		assertThat(output.getAll()).doesNotContain(" ERROR ");
	}

	private void assertServerStillServes() throws IOException {
		try (SocketClient client = SocketClient.connect(this.port)) {
			client.readText();
			client.sendText("{\"type\":\"heartbeat\",\"timestamp\":42}");
			assertThat(strict(client.readText()).path("timestamp").asLong()).isEqualTo(42);
		}
	}

	private static JsonNode strict(String text) {
		return strictJson.readTree(text);
	}

	private static String type(JsonNode json) {
		return json.path("type").asString();
	}

}

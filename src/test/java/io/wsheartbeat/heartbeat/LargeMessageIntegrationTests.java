package io.wsheartbeat.heartbeat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages larger than the container's per-session buffers (256 bytes by default), up to the
 * documented maximum ({@code heartbeat.max-message-size}, 8KB), in one frame or in several: the
 * handler assembles them, and a session holds the parts only while its message is incomplete.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.max-messages-per-second=1000")
class LargeMessageIntegrationTests {

	private static final int MAX_MESSAGE_SIZE = 8192;

	private static final String PREFIX = "{\"type\":\"message\",\"text\":\"";

	private static final String SUFFIX = "\"}";

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void aMessageOfTheMaximumSizeSplitOverFramesIsEchoedWhole() {
		String text = "x".repeat(MAX_MESSAGE_SIZE - PREFIX.length() - SUFFIX.length());
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			client.sendPart(PREFIX + text.substring(0, 3000), false);
			client.sendPart(text.substring(3000, 6000), false);
			client.sendPart(text.substring(6000) + SUFFIX, true);

			assertThat(client.awaitFrame("echo").path("text").asString()).isEqualTo(text);
			client.heartbeat(1);
			client.awaitFrame("heartbeat_ack", (ack) -> ack.path("timestamp").asLong() == 1);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void aMessageOfTheMaximumSizeInOneFrameIsEchoedWhole() {
		// Two-byte characters: the limit counts characters as decoded, not bytes.
		String text = "\u00E9".repeat(MAX_MESSAGE_SIZE - PREFIX.length() - SUFFIX.length());
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			client.send(PREFIX + text + SUFFIX);

			assertThat(client.awaitFrame("echo").path("text").asString()).isEqualTo(text);
		}
	}

	@Test
	void oneCharacterOverTheMaximumSplitOverFramesIsClosedWith1009() {
		String text = "x".repeat(MAX_MESSAGE_SIZE - PREFIX.length() - SUFFIX.length() + 1);
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			client.sendPart(PREFIX + text.substring(0, 4000), false);
			client.sendPart(text.substring(4000) + SUFFIX, true);

			assertThat(client.closed().join().code()).isEqualTo(1009);
		}
	}

	@Test
	void aBinaryMessageLargerThanTheBuffersIsClosedWith1003() {
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");
			client.sendBinary(new byte[4096]);

			assertThat(client.closed().join().code()).isEqualTo(1003);
		}
	}

	@Test
	void aHalfSentMessageGoesWithItsSessionAndOthersAreServedMeanwhile() {
		try (WireClient other = WireClient.connect(this.port)) {
			other.awaitFrame("welcome");
			String otherId = other.awaitFrame("welcome").path("sessionId").asString();
			String halfSentId;
			try (WireClient halfSent = WireClient.connect(this.port)) {
				halfSentId = halfSent.awaitFrame("welcome").path("sessionId").asString();
				halfSent.sendPart(PREFIX + "x".repeat(6000), false);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> this.registry.find(halfSentId).map(TrackedSession::incompleteMessageLength).orElse(0),
							(length) -> length > 6000);

				other.heartbeat(7);
				other.awaitFrame("heartbeat_ack", (ack) -> ack.path("timestamp").asLong() == 7);
				assertThat(this.registry.find(otherId).orElseThrow().incompleteMessageLength()).isZero();
			}

			await().atMost(Duration.ofSeconds(5)).until(() -> this.registry.find(halfSentId).isEmpty());
			assertThat(this.registry.sessions()).allSatisfy(
					(session) -> assertThat(session.incompleteMessageLength()).isZero());
			other.send(PREFIX + "y".repeat(1000) + SUFFIX);
			assertThat(other.awaitFrame("echo").path("text").asString()).hasSize(1000);
		}
	}

}

package io.wsheartbeat.heartbeat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.support.SocketClient;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a session keeps of its handshake: none of the request's headers, which would otherwise
 * stay in memory for as long as it is open (see {@link HeadersLeftBehindUpgradeStrategy}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class HandshakeHeadersIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void aSessionKeepsNoneOfItsHandshakesHeadersAndStillWorks() throws Exception {
		Map<String, String> browserLike = Map.of("Origin", "http://127.0.0.1:" + this.port, "Cookie",
				"preferences=" + "x".repeat(1_000), "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0");
		try (WireClient client = WireClient.connect(this.port, browserLike)) {
			String id = client.awaitFrame("welcome").path("sessionId").asString();
			WebSocketSession opened = this.registry.sessions()
				.stream()
				.filter((session) -> session.id().equals(id))
				.findFirst()
				.orElseThrow()
				.webSocketSession();

			assertThat(opened.getHandshakeHeaders().headerNames()).isEmpty();
			assertThat(opened.getRemoteAddress()).isNotNull();
			client.heartbeat(1, Duration.ofSeconds(10));
			assertThat(client.awaitFrame("heartbeat_ack")).isNotNull();
		}
	}

	@Test
	void aBrowsersRequestForCompressionIsDeclinedAndTheSessionWorksUncompressed() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			String request = new String(SocketClient.handshakeRequest("127.0.0.1", this.port), StandardCharsets.US_ASCII)
				.replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			String answer = readHeaders(socket.getInputStream());

			assertThat(answer).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
			// The welcome frame, uncompressed: RSV1 clear, text opcode, and the JSON as it is.
			int first = socket.getInputStream().read();
			assertThat(first & 0x40).as("RSV1, set on a compressed message").isZero();
			assertThat(first & 0x0f).isEqualTo(SocketClient.TEXT);
		}
	}

	private static String readHeaders(InputStream in) throws java.io.IOException {
		StringBuilder headers = new StringBuilder();
		while (!headers.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				break;
			}
			headers.append((char) next);
		}
		return headers.toString();
	}

}

package io.wsheartbeat.tomcat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.heartbeat.SessionRegistry;
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

}

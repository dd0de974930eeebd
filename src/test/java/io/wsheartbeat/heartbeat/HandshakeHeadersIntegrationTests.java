package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * What a session keeps of its handshake: none of the request's headers, which would otherwise
 * stay in memory for as long as it is open (see {@link HeadersLeftBehindUpgradeStrategy}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class HandshakeHeadersIntegrationTests {

	@LocalServerPort
	int port;

	@MockitoSpyBean
	HeartbeatHandler handler;

	@Test
	void aSessionKeepsNoneOfItsHandshakesHeadersAndStillWorks() throws Exception {
		Map<String, String> browserLike = Map.of("Origin", "http://127.0.0.1:" + this.port, "Cookie",
				"preferences=" + "x".repeat(1_000), "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0");
		try (WireClient client = WireClient.connect(this.port, browserLike)) {
			client.awaitFrame("welcome");
			ArgumentCaptor<WebSocketSession> opened = ArgumentCaptor.forClass(WebSocketSession.class);
			verify(this.handler, timeout(5_000)).afterConnectionEstablished(opened.capture());

			assertThat(opened.getValue().getHandshakeHeaders().headerNames()).isEmpty();
			assertThat(opened.getValue().getRemoteAddress()).isNotNull();
			client.heartbeat(1, Duration.ofSeconds(10));
			assertThat(client.awaitFrame("heartbeat_ack")).isNotNull();
		}
	}

}

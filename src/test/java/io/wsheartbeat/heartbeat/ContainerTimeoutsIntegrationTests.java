package io.wsheartbeat.heartbeat;

import java.util.Map;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the container itself would do to a session, on Tomcat and Jetty alike (run with
 * {@code -Dcontainer=jetty} for Jetty): no idle timeout of its own, since the reaper judges
 * silence (Jetty's default would close a session after 30 s without a frame), and a send timeout
 * of {@code heartbeat.send-time-limit}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ContainerTimeoutsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Autowired
	HeartbeatProperties properties;

	@Test
	void theContainerNeitherTimesASessionOutNorLetsASendWaitPastTheLimit() throws Exception {
		try (WireClient client = WireClient.connect(this.port, Map.of("Origin", "http://127.0.0.1:" + this.port))) {
			String id = client.awaitFrame("welcome").path("sessionId").asString();
			Session session = ((NativeWebSocketSession) this.registry.sessions()
				.stream()
				.filter((tracked) -> tracked.id().equals(id))
				.findFirst()
				.orElseThrow()
				.webSocketSession()).getNativeSession(Session.class);

			assertThat(session.getMaxIdleTimeout()).isZero();
			assertThat(session.getAsyncRemote().getSendTimeout()).isEqualTo(this.properties.sendTimeLimit().toMillis());
		}
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.max-sessions=3", "heartbeat.max-messages-per-second=20" })
class SessionLimitsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void theClientBeyondMaxSessionsIsToldToTryAgainLaterWith1013() {
		List<WireClient> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				WireClient client = WireClient.connect(this.port);
				admitted.add(client);
				client.awaitFrame("welcome");
			}
			try (WireClient refused = WireClient.connect(this.port)) {
				WireClient.Closed closed = refused.closed().orTimeout(5, TimeUnit.SECONDS).join();
				assertThat(closed.code()).isEqualTo(1013);
				assertThat(refused.count("welcome")).isZero();
			}

			admitted.get(0).close();
			// The place is free once the server has handled that close, a moment after the client
			// sent it: a handshake that raced ahead of it is refused, and the next one is welcomed.
			await("a freed place is taken again").atMost(Duration.ofSeconds(5)).until(this::welcomed);
		}
		finally {
			admitted.forEach(WireClient::close);
		}
	}

	private boolean welcomed() {
		try (WireClient next = WireClient.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> next.count("welcome") > 0 || next.isClosed());
			return next.count("welcome") > 0;
		}
	}

	@Test
	void aFloodingClientIsClosedWith1008AndOthersAreStillServed() {
		try (WireClient flooder = WireClient.connect(this.port); WireClient neighbour = WireClient.connect(this.port)) {
			flooder.awaitFrame("welcome");
			neighbour.awaitFrame("welcome");
			int sent = 0;
			while (sent < 200 && !flooder.isClosed() && flooder.tryHeartbeat(sent)) {
				sent++;
			}

			WireClient.Closed closed = flooder.closed().orTimeout(5, TimeUnit.SECONDS).join();
			assertThat(closed.code()).isEqualTo(1008);
			assertThat(flooder.count("heartbeat_ack")).isLessThanOrEqualTo(20);
			neighbour.heartbeat(5);
			assertThat(neighbour.awaitFrame("heartbeat_ack")).isNotNull();
		}
	}

}

package io.wsheartbeat.warmup;

import java.time.Duration;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.sessions.ServerView;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm start: before the port opens, the server ran its sessions against itself, within its
 * count and time limit, and left nothing behind in the registry or the view; the first client
 * afterwards is served as usual.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.warm-up.enabled=true", "heartbeat.warm-up.handshakes=40",
				"heartbeat.warm-up.heartbeats-per-session=3", "heartbeat.warm-up.time-limit=20s",
				"heartbeat.view.enabled=true" })
class WarmUpIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WarmUp warmUp;

	@Autowired
	WarmUpProperties properties;

	@Autowired
	SessionRegistry registry;

	@Autowired
	ServerView view;

	@Test
	void warmUpRanItsSessionsWithinItsBoundsBeforeThePortOpened() {
		WarmUpClient.Result run = this.warmUp.lastRun();

		assertThat(run).isNotNull();
		assertThat(run.handshakes()).isEqualTo(40);
		assertThat(run.acks()).isEqualTo(40 * 3);
		assertThat(run.failures()).isZero();
		assertThat(run.took()).isLessThanOrEqualTo(this.properties.timeLimit());
	}

	@Test
	void warmUpLeavesNoSessionInTheRegistryOrTheView() throws Exception {
		assertThat(this.warmUp.warmUpSessionsLeft()).isZero();
		try (WireClient client = WireClient.connect(this.port)) {
			client.awaitFrame("welcome");

			assertThat(this.registry.sessions()).hasSize(1);
			assertThat(this.view.view(null, 100).open()).hasSize(1);
			assertThat(this.view.view(null, 100).recentlyClosed()).isEmpty();
		}
	}

	/**
	 * A warm-up cut short by its time limit, with sessions in every stage (some still in their
	 * handshake on the client's side, which the client then neither closes nor aborts): the server
	 * closes them itself, so the port does not stay shut while it waits for them to leave.
	 */
	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "heartbeat.warm-up.enabled=true", "heartbeat.warm-up.handshakes=100000",
					"heartbeat.warm-up.concurrency=8", "heartbeat.warm-up.time-limit=300ms" })
	class CutShort {

		@Autowired
		WarmUp warmUp;

		@Test
		void itsSessionsAreClosedByTheServerNotWaitedFor() {
			assertThat(this.warmUp.lastRun()).isNotNull();
			assertThat(this.warmUp.lastLeftClosing())
				.as("sessions the warm-up gave up waiting for, holding the port shut for its whole wait")
				.isZero();
			assertThat(this.warmUp.warmUpSessionsLeft()).isZero();
		}

	}

}

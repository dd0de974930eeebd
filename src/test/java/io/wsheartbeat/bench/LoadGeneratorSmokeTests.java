package io.wsheartbeat.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.bench.LoadOptions.Mode;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of each benchmark mode against the server on a random loopback port, so that the
 * harness behind {@code src/bench/run} keeps working. The full comparison is not part of the build.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=2s",
				"heartbeat.reaper-period=100ms", "heartbeat.max-messages-per-second=1000000" })
class LoadGeneratorSmokeTests {

	private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

	@LocalServerPort
	int port;

	@Test
	void holdGetsEveryHeartbeatAcked() throws IOException {
		GeneratorResult result = new LoadGenerator(load(Mode.HOLD, 20, 2, 0), QUIET).run();

		assertThat(result.opened).isEqualTo(20);
		assertThat(result.failed).isZero();
		assertThat(result.closedByServer).isZero();
		assertThat(result.welcomes).isEqualTo(20);
		assertThat(result.heartbeatsSent).isGreaterThanOrEqualTo(20 * 10);
		assertThat(result.acksReceived).isEqualTo(result.heartbeatsSent);
		assertThat(result.rttMicros.count()).isEqualTo(result.acksReceived);
		assertThat(result.rttMicros.quantile(0.5)).isPositive();
		assertThat(result.connectMicros.count()).isEqualTo(20);
		assertThat(result.rampRttMicros.count()).isLessThanOrEqualTo(result.rttMicros.count());
	}

	@Test
	void throughputSplitOverTwoProcessesAddsUp() throws IOException {
		try (WorkerPool pool = WorkerPool.start(load(Mode.THROUGHPUT, 4, 1, 0), 4, 100,
				List.of("127.0.0.1", "127.0.0.2"), null, 2)) {
			assertThat(pool.pids()).hasSize(2);
			assertThat(pool.awaitReady(Duration.ofSeconds(30))).allMatch((line) -> line.contains("opened=2 failed=0"));
			pool.go();
			pool.awaitHeld(Duration.ofSeconds(30));
			GeneratorResult result = pool.close(Duration.ofSeconds(30));

			assertThat(result.opened).isEqualTo(4);
			assertThat(result.closedByServer).isZero();
			assertThat(result.acksReceived).isGreaterThan(100).isEqualTo(result.heartbeatsSent);
			assertThat(result.acksPerSecond()).isPositive();
			assertThat(result.connectMicros.count()).isEqualTo(4);
		}
	}

	@Test
	void silentConnectionsAreClosedWithinTimeoutAndReaperPeriod() throws IOException {
		GeneratorResult result = new LoadGenerator(load(Mode.SILENT, 3, 0, 10), QUIET).run();

		assertThat(result.closeCodes).containsEntry(4000, 3L);
		assertThat(result.undetected).isZero();
		// heartbeat.server-timeout=2s, heartbeat.reaper-period=100ms, and what a loaded machine adds
		// to the reaper's schedule and the close's way back (ReaperIntegrationTests allows the same).
		assertThat(result.detectionMillis).hasSize(3)
			.allSatisfy((millis) -> assertThat(millis)
				.as("closed the server timeout after the last heartbeat, within a reaper period and scheduling slack")
				.isBetween(2_000L, 2_000L + 100 + 700));
	}

	@Test
	void restartWelcomesEveryClientFromTheOriginAndCountsTheWindowsAcks() throws IOException {
		LoadOptions restart = new LoadOptions(Mode.RESTART, "127.0.0.1", this.port, "/ws", 20, 100, 200, 2, 5,
				List.of("127.0.0.1"), false, System.currentTimeMillis());

		GeneratorResult result = new LoadGenerator(restart, QUIET).run();

		assertThat(result.attempted).isEqualTo(20);
		assertThat(result.welcomeMicros.count()).isEqualTo(20);
		assertThat(result.upgradedMicros.count()).isEqualTo(20);
		assertThat(result.welcomedShareMicros(0.5)).isPositive().isLessThanOrEqualTo(result.welcomedShareMicros(1.0));
		assertThat(result.failed).isZero();
		assertThat(result.closedByServer).isZero();
		assertThat(result.retries).isZero();
		assertThat(result.acksReceived).isPositive().isLessThanOrEqualTo(result.heartbeatsSent);
		assertThat(result.rttMicros.count()).isEqualTo(result.acksReceived);
	}

	@Test
	void restartRetriesARefusedConnectWithThePagesBackoff() throws IOException {
		int nobodyListens = ServerUnderTest.freePort();
		LoadOptions restart = new LoadOptions(Mode.RESTART, "127.0.0.1", nobodyListens, "/ws", 3, 100, 200, 1, 1,
				List.of("127.0.0.1"), false, System.currentTimeMillis());

		GeneratorResult result = new LoadGenerator(restart, QUIET).run();

		assertThat(result.attempted).isEqualTo(3);
		assertThat(result.welcomeMicros.count()).isZero();
		assertThat(result.upgradedMicros.count()).isZero();
		assertThat(result.welcomedShareMicros(0.5)).isEqualTo(-1);
		assertThat(result.failed).as("refused connects are retried, not given up").isZero();
		assertThat(result.retries).isGreaterThanOrEqualTo(3);
	}

	@Test
	void restartsBackoffIsThePagesRule() throws IOException {
		HeartbeatProperties.Reconnect page = TestProperties.defaults().reconnect();
		LoadGenerator generator = new LoadGenerator(load(Mode.RESTART, 1, 0, 0), QUIET);
		for (int attempt = 0; attempt < 8; attempt++) {
			double capMillis = Math.min(page.maxDelay().toMillis(),
					page.initialDelay().toMillis() * Math.pow(page.multiplier(), attempt));
			for (int draw = 0; draw < 200; draw++) {
				assertThat(generator.backoffNanos(attempt) / 1e6).isBetween(0.0, capMillis);
			}
		}
	}

	private LoadOptions load(Mode mode, int connections, long durationSeconds, long silentWaitSeconds) {
		return new LoadOptions(mode, "127.0.0.1", this.port, "/ws", connections, 200, 100, durationSeconds,
				silentWaitSeconds, List.of("127.0.0.1"), false);
	}

}

package io.wsheartbeat.heartbeat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.NamespaceClients;
import io.wsheartbeat.support.SocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tens of thousands of sessions come and go, a thousand of them by their process being killed:
 * afterwards nothing is left behind. No session in the registry, no thread more than before,
 * no heap more than a few megabytes above where it started.
 *
 * <p>Minutes of load: tagged {@code soak}, run by {@code ./mvnw verify -Psoak} and by {@code .ci/run}.
 */
@Tag("soak")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.max-sessions-per-address=5000", "heartbeat.server-timeout=60s" })
class SoakTests {

	private static final int CYCLES = 50_000;

	private static final int WORKERS = 8;

	private static final int KILLED_PROCESSES = 10;

	private static final int SESSIONS_PER_PROCESS = 100;

	private static final long HEAP_BOUND = 32L * 1024 * 1024;

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	@Test
	void fiftyThousandConnectBeatDisconnectCyclesLeaveNothingBehind() throws Exception {
		ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
		try {
			runCycles(workers, 2_000); // warm up: JIT, Tomcat's thread pool at its working size
			await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.size() == 0);
			Baseline baseline = Baseline.take();

			long started = System.nanoTime();
			int completed = runCycles(workers, CYCLES);
			Duration took = Duration.ofNanos(System.nanoTime() - started);

			assertThat(completed).isEqualTo(CYCLES);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.size() == 0);
			baseline.assertNothingLeftBehind("after " + CYCLES + " cycles in " + took.toSeconds() + " s");
		}
		finally {
			workers.shutdownNow();
		}
	}

	@Test
	void aThousandClientsKilledMidSessionLeaveNothingBehind() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.size() == 0);
		Baseline baseline = Baseline.take();

		for (int i = 0; i < KILLED_PROCESSES; i++) {
			Process clients = new ProcessBuilder(HalfOpenIntegrationTests.javaBinary(), "-XX:TieredStopAtLevel=1", "-cp",
					HalfOpenIntegrationTests.testClasses(), NamespaceClients.class.getName(), "127.0.0.1",
					String.valueOf(this.port), String.valueOf(SESSIONS_PER_PROCESS))
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			try {
				assertThat(new String(clients.getInputStream().readNBytes(6))).isEqualTo("READY ");
				assertThat(this.registry.size()).isGreaterThanOrEqualTo(SESSIONS_PER_PROCESS);
			}
			finally {
				// SIGKILL: no close frame, the kernel just ends the connections.
				clients.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			// Gone because the connections ended, long before the 60 s server timeout could reap them.
			await().atMost(Duration.ofSeconds(10)).until(() -> this.registry.size() == 0);
		}

		baseline.assertNothingLeftBehind("after " + KILLED_PROCESSES * SESSIONS_PER_PROCESS + " clients killed");
	}

	/** Runs {@code count} cycles over the workers, each from its own loopback address. */
	private int runCycles(ExecutorService workers, int count) throws Exception {
		AtomicInteger done = new AtomicInteger();
		List<Future<?>> running = new ArrayList<>();
		for (int w = 0; w < WORKERS; w++) {
			String from = "127.0.1." + (w + 1);
			int share = count / WORKERS + ((w < count % WORKERS) ? 1 : 0);
			running.add(workers.submit(() -> {
				for (int i = 0; i < share; i++) {
					cycle(from, i);
					done.incrementAndGet();
				}
				return null;
			}));
		}
		for (Future<?> worker : running) {
			worker.get(15, TimeUnit.MINUTES);
		}
		return done.get();
	}

	private void cycle(String from, int i) throws IOException {
		try (SocketClient client = SocketClient.connect("127.0.0.1", this.port, from)) {
			client.readText();
			client.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + i + "}");
			String ack = client.readText();
			if (!ack.contains("heartbeat_ack")) {
				throw new AssertionError("expected an ack, got " + ack);
			}
			client.closeHandshake();
		}
	}

	/** Threads and heap after a full GC, to compare with later. */
	record Baseline(int threads, long heapBytes) {

		static Baseline take() {
			return new Baseline(ManagementFactory.getThreadMXBean().getThreadCount(), heapAfterGc());
		}

		void assertNothingLeftBehind(String when) {
			// Tomcat's idle workers and the JDK's own helpers come and go: give them time to settle.
			await().atMost(Duration.ofSeconds(70))
				.until(() -> ManagementFactory.getThreadMXBean().getThreadCount() <= this.threads);
			long heap = heapAfterGc();
			LoggerFactory.getLogger(SoakTests.class)
				.info("{}: threads {} -> {}, heap after GC {} MB -> {} MB", when, this.threads,
						ManagementFactory.getThreadMXBean().getThreadCount(), this.heapBytes >> 20, heap >> 20);
			assertThat(heap).as("heap after GC " + when).isLessThanOrEqualTo(this.heapBytes + HEAP_BOUND);
		}

		private static long heapAfterGc() {
			System.gc();
			return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		}

	}

}

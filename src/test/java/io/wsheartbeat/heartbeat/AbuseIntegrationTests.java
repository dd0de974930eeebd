package io.wsheartbeat.heartbeat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.AckRoundTrips;
import io.wsheartbeat.support.SocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client that floods, one address that opens too many sessions: each is refused with its
 * close code, and nobody else notices.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.max-messages-per-second=50", "heartbeat.max-sessions-per-address=3",
				"heartbeat.demo.faults-enabled=false" })
class AbuseIntegrationTests {

	// Every client here connects from its own loopback address, so the per-address limit of 3
	// meets only the clients that test it.
	private static final String FLOODER = "127.0.0.20";

	private static final String[] NEIGHBOURS = { "127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24" };

	private static final int SAMPLES = 600;

	private static final Duration FLOODER_PERIOD = Duration.ofMillis(50);

	private static final int BLOCKS = 3;

	@LocalServerPort
	int port;

	@Autowired
	HeartbeatProperties properties;

	@Test
	void aFloodingClientIsClosedWith1008WhileOthersAckP99StaysWithinTwiceUnloaded() throws Exception {
		List<SocketClient> neighbours = new ArrayList<>();
		ExecutorService flood = Executors.newSingleThreadExecutor();
		AtomicBoolean flooding = new AtomicBoolean();
		try {
			for (String address : NEIGHBOURS) {
				SocketClient neighbour = SocketClient.connect("127.0.0.1", this.port, address);
				neighbours.add(neighbour);
				neighbour.readText();
			}
			AckRoundTrips.measure(neighbours, 200); // warm up: JIT, connection buffers
			// Unloaded and loaded blocks take turns, so that whatever else this machine is doing
			// meanwhile weighs on both measurements alike.
			List<Long> unloaded = new ArrayList<>();
			List<Long> loaded = new ArrayList<>();
			AtomicInteger closedWith1008 = new AtomicInteger();
			AtomicInteger closedOtherwise = new AtomicInteger();
			for (int block = 0; block < BLOCKS; block++) {
				unloaded.addAll(AckRoundTrips.measure(neighbours, SAMPLES / BLOCKS));
				flooding.set(true);
				int before = closedWith1008.get();
				Future<?> flooder = flood.submit(() -> floodUntilStopped(flooding, closedWith1008, closedOtherwise));
				await(() -> closedWith1008.get() > before);
				loaded.addAll(AckRoundTrips.measure(neighbours, SAMPLES / BLOCKS));
				flooding.set(false);
				flooder.get(30, TimeUnit.SECONDS);
			}
			long unloadedP99 = AckRoundTrips.p99(unloaded);
			long loadedP99 = AckRoundTrips.p99(loaded);
			int floodersBefore = closedWith1008.get();
			LoggerFactory.getLogger(AbuseIntegrationTests.class)
				.info("Neighbours' ack p99: {} us unloaded, {} us under the flood; {} flooders closed with 1008",
						unloadedP99, loadedP99, floodersBefore);
			assertThat(closedOtherwise.get()).as("flooders closed with anything but 1008").isZero();
			assertThat(floodersBefore).as("flooders closed with 1008 while the neighbours were measured").isGreaterThan(BLOCKS);
			assertThat(loadedP99)
				.as("neighbours' ack p99 (us) under the flood, far below a send held for the %s limit; unloaded %d us",
						this.properties.sendTimeLimit(), unloadedP99)
				.isLessThanOrEqualTo(AckRoundTrips.allowedUnderLoad(unloadedP99, this.properties.sendTimeLimit()));
		}
		finally {
			flooding.set(false);
			flood.shutdownNow();
			for (SocketClient neighbour : neighbours) {
				neighbour.close();
			}
		}
	}

	@Test
	void anAddressBeyondMaxSessionsPerAddressGets1013AndOtherAddressesAreStillAdmitted() throws IOException {
		List<SocketClient> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				SocketClient client = SocketClient.connect("127.0.0.1", this.port, "127.0.0.30");
				admitted.add(client);
				assertThat(client.readText()).contains("\"welcome\"");
			}
			try (SocketClient refused = SocketClient.connect("127.0.0.1", this.port, "127.0.0.30")) {
				assertThat(refused.awaitClose(1)).as("closed before any welcome").isEqualTo(1013);
			}
			try (SocketClient other = SocketClient.connect("127.0.0.1", this.port, "127.0.0.31")) {
				assertThat(other.readText()).as("another address").contains("\"welcome\"");
			}

			admitted.remove(0).closeHandshake();
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				try (SocketClient again = SocketClient.connect("127.0.0.1", this.port, "127.0.0.30")) {
					assertThat(again.readFrame().opcode()).as("a freed place is taken again").isEqualTo(SocketClient.TEXT);
				}
			});
		}
		finally {
			for (SocketClient client : admitted) {
				client.close();
			}
		}
	}

	/**
	 * Every {@link #FLOODER_PERIOD} a new flooder connects and writes heartbeats as fast as the
	 * socket takes them, then reads to the close; until told to stop, bounded at 2,000 flooders
	 * and 60 s. One flooder at a time, each as fast as it can: the abuse the rate limit is for.
	 * (Reconnecting as fast as possible would be a connection flood, which is what
	 * {@code max-sessions-per-address} is for, and would measure handshakes rather than the limit.)
	 */
	private Void floodUntilStopped(AtomicBoolean flooding, AtomicInteger closedWith1008, AtomicInteger closedOtherwise)
			throws Exception {
		ByteArrayOutputStream burst = new ByteArrayOutputStream();
		for (int i = 0; i < 500; i++) {
			burst.writeBytes(SocketClient.frame(SocketClient.TEXT,
					("{\"type\":\"heartbeat\",\"timestamp\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		}
		byte[] frames = burst.toByteArray();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		AtomicInteger rounds = new AtomicInteger();
		java.util.concurrent.CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
		java.util.concurrent.ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
		try {
			pacer.scheduleAtFixedRate(() -> {
				if (!flooding.get() || rounds.incrementAndGet() > 2000 || System.nanoTime() > deadline) {
					stopped.complete(null);
					return;
				}
				try (SocketClient flooder = SocketClient.connect("127.0.0.1", this.port, FLOODER)) {
					flooder.readText();
					try {
						flooder.send(frames);
					}
					catch (IOException ex) {
						// The server may close before the burst is written: the close code says why.
					}
					int code = flooder.awaitClose(1000);
					(code == 1008 ? closedWith1008 : closedOtherwise).incrementAndGet();
				}
				catch (IOException | RuntimeException ex) {
					stopped.completeExceptionally(ex);
				}
			}, 0, FLOODER_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
			return stopped.get(90, TimeUnit.SECONDS);
		}
		finally {
			pacer.shutdownNow();
		}
	}

	private static void await(java.util.concurrent.Callable<Boolean> condition) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
	}

}

package io.wsheartbeat.heartbeat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.wsheartbeat.support.AckRoundTrips;
import io.wsheartbeat.support.NamespaceClients;
import io.wsheartbeat.support.Prerequisites;
import io.wsheartbeat.support.SocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real half-open connections. Clients run in a network namespace this test creates, joined to
 * the server by a veth pair whose two link-local addresses exist only on that pair. Once they are
 * connected and have beaten, the namespace's end of the link goes down: no FIN, no RST, nothing
 * ever arrives again, exactly as when a laptop's Wi-Fi dies. The server must reap each at its
 * deadline, serve the clients on loopback as fast as before, and never hold a thread in a send
 * for longer than the send time limit.
 *
 * <p>Needs root and iproute2: skipped with a message elsewhere, required under {@code CI=true}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=500ms", "heartbeat.server-timeout=3s",
				"heartbeat.slow-interval=2s", "heartbeat.max-interval=20s", "heartbeat.reaper-period=200ms",
				"heartbeat.server-ping-interval=500ms", "heartbeat.send-time-limit=2s",
				"heartbeat.max-messages-per-second=1000" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HalfOpenIntegrationTests {

	private static final Duration DEADLINE = Duration.ofSeconds(3);

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	// What a loaded 2-core machine may add to the reaper's period and to the sampler that notices.
	private static final Duration SCHEDULING_SLACK = Duration.ofSeconds(1);

	private static final Duration REAPER_PERIOD = Duration.ofMillis(200);

	private static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(2);

	private static final int DEAD_CLIENTS = 50;

	// Link-local, on a link this test makes: no packet to these addresses can leave the pair.
	private static final String SERVER_SIDE = "169.254.211.1";

	private static final String CLIENT_SIDE = "169.254.211.2";

	private final String namespace = "hb-halfopen-" + ProcessHandle.current().pid();

	private final String rootEnd = "hbho" + (ProcessHandle.current().pid() % 100000) + "a";

	private final String namespaceEnd = "hbho" + (ProcessHandle.current().pid() % 100000) + "b";

	@LocalServerPort
	int port;

	@Autowired
	SessionRegistry registry;

	private boolean namespaceMade;

	@BeforeAll
	void makeNamespace() throws Exception {
		boolean root = "root".equals(System.getProperty("user.name"));
		boolean iproute2 = Path.of("/usr/sbin/ip").toFile().canExecute() || Path.of("/sbin/ip").toFile().canExecute();
		Prerequisites.require(root && iproute2, "half-open tests need root and iproute2 (apt-get install -y iproute2)");
		this.namespaceMade = true; // from here on, clean up whatever part of it exists
		ip("netns", "add", this.namespace);
		ip("link", "add", this.rootEnd, "type", "veth", "peer", "name", this.namespaceEnd, "netns", this.namespace);
		ip("addr", "add", SERVER_SIDE + "/30", "dev", this.rootEnd);
		ip("link", "set", this.rootEnd, "up");
		ip("-n", this.namespace, "addr", "add", CLIENT_SIDE + "/30", "dev", this.namespaceEnd);
		ip("-n", this.namespace, "link", "set", this.namespaceEnd, "up");
		ip("-n", this.namespace, "link", "set", "lo", "up");
	}

	@AfterAll
	void removeNamespace() throws Exception {
		if (this.namespaceMade) {
			// Deleting the namespace deletes its end of the pair, and with it the other end.
			run(false, "ip", "netns", "del", this.namespace);
			run(false, "ip", "link", "del", this.rootEnd);
		}
	}

	@Test
	void silentlyDeadClientsAreReapedAtTheirDeadlineWhileOthersAreServedAsBefore() throws Exception {
		List<SocketClient> healthy = new ArrayList<>();
		Process clients = null;
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		SendWatch sends = new SendWatch();
		try {
			for (int i = 0; i < 3; i++) {
				SocketClient client = SocketClient.connect(this.port);
				healthy.add(client);
				client.readText();
				// A long declared interval: these clients pause while the namespace's start.
				client.sendText("{\"type\":\"heartbeat\",\"interval\":20000}");
				client.readText();
			}
			// Sampling every thread's stack pauses the whole JVM, so the sampler runs from here on:
			// it must weigh on the measurement before the cut as on the one during the reaping.
			sampler.scheduleAtFixedRate(sends::sample, 0, 50, TimeUnit.MILLISECONDS);
			AckRoundTrips.measure(healthy, 100);
			List<Long> before = AckRoundTrips.measure(healthy, 300);

			clients = new ProcessBuilder("ip", "netns", "exec", this.namespace, javaBinary(), "-cp", testClasses(),
					NamespaceClients.class.getName(), SERVER_SIDE, String.valueOf(this.port), String.valueOf(DEAD_CLIENTS),
					String.valueOf(INTERVAL.toMillis()))
				.redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			List<String> deadIds = readReady(clients);
			long lastHeard = System.nanoTime();
			assertThat(deadIds).hasSize(DEAD_CLIENTS).allMatch((id) -> this.registry.find(id).isPresent());
			assertThat(this.registry.find(deadIds.get(0)).orElseThrow().remoteHost()).isEqualTo(CLIENT_SIDE);
			// Each session's deadline as the server set it at its last heartbeat: the clients beat one
			// after another, over as long as this machine takes.
			Map<String, Long> deadlines = new HashMap<>();
			deadIds.forEach((id) -> deadlines.put(id, this.registry.find(id).orElseThrow().deadlineNanos()));
			assertThat(deadIds).as("silence allowed after the last heartbeat, which declared the %s interval", INTERVAL)
				.allMatch((id) -> this.registry.find(id).orElseThrow().silenceAllowed().equals(DEADLINE));

			Map<String, Long> goneAt = new java.util.concurrent.ConcurrentHashMap<>();
			sampler.scheduleAtFixedRate(() -> {
				long now = System.nanoTime();
				deadIds.stream().filter((id) -> this.registry.find(id).isEmpty()).forEach((id) -> goneAt.putIfAbsent(id, now));
			}, 0, 50, TimeUnit.MILLISECONDS);
			ip("-n", this.namespace, "link", "set", this.namespaceEnd, "down");
			long cut = System.nanoTime();

			// The healthy clients are measured while the dead ones reach their deadline and are reaped.
			List<Long> during = new ArrayList<>();
			Duration reapedBy = DEADLINE.plus(REAPER_PERIOD).plus(SCHEDULING_SLACK);
			for (int block = 0; block < 40 && goneAt.size() < DEAD_CLIENTS; block++) {
				during.addAll(AckRoundTrips.measure(healthy, 30));
			}
			await().atMost(reapedBy).until(() -> goneAt.size() == DEAD_CLIENTS);
			long reaped = System.nanoTime();
			for (Map.Entry<String, Long> gone : goneAt.entrySet()) {
				Duration pastDeadline = Duration.ofNanos(gone.getValue() - deadlines.get(gone.getKey()));
				assertThat(pastDeadline).as("session %s gone this long after its deadline: not before it, then within a "
						+ "reaper period and what a loaded machine adds to it", gone.getKey())
					.isBetween(Duration.ZERO, REAPER_PERIOD.plus(SCHEDULING_SLACK));
			}
			assertThat(deadlines.values()).as("each deadline no later than the server timeout after READY, which came after "
					+ "the session's last heartbeat").allMatch((deadline) -> deadline - lastHeard <= DEADLINE.toNanos());

			// Every close frame went out or was given up on within the send time limit.
			await().atMost(SEND_TIME_LIMIT.plusSeconds(2)).alias("no thread in a send; one was: " + sends.example())
				.until(() -> sends.threadsInSend() == 0);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> sends.threadsInSend() == 0);

			long p99Before = AckRoundTrips.p99(before);
			long p99During = AckRoundTrips.p99(during);
			LoggerFactory.getLogger(HalfOpenIntegrationTests.class)
				.info("{} half-open sessions reaped {} ms after the cut; healthy ack p99 {} us before, {} us during; "
						+ "longest send seen {} ms", DEAD_CLIENTS, Duration.ofNanos(reaped - cut).toMillis(), p99Before,
						p99During, sends.longest().toMillis());
			assertThat(p99During)
				.as("healthy clients' ack p99 (us) while the dead are reaped, far below a send held for the %s limit; "
						+ "before: %d us", SEND_TIME_LIMIT, p99Before)
				.isLessThanOrEqualTo(AckRoundTrips.allowedUnderLoad(p99Before, SEND_TIME_LIMIT));
			assertThat(sends.longest()).as("longest time a thread spent in one send")
				.isLessThanOrEqualTo(SEND_TIME_LIMIT.plusMillis(500));
			for (SocketClient client : healthy) {
				client.sendText("{\"type\":\"heartbeat\",\"timestamp\":1}");
				assertThat(client.readText()).contains("heartbeat_ack");
			}
		}
		finally {
			sampler.shutdownNow();
			if (clients != null) {
				clients.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			for (SocketClient client : healthy) {
				client.close();
			}
		}
	}

	private static List<String> readReady(Process process) throws Exception {
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = CompletableFuture.supplyAsync(() -> {
			try {
				return out.readLine();
			}
			catch (IOException ex) {
				return null;
			}
		}).get(30, TimeUnit.SECONDS);
		assertThat(line).as("the namespace's clients report their sessions").isNotNull().startsWith("READY");
		return Arrays.asList(line.substring("READY ".length()).split(" "));
	}

	private static void ip(String... args) throws Exception {
		String[] command = new String[args.length + 1];
		command[0] = "ip";
		System.arraycopy(args, 0, command, 1, args.length);
		run(true, command);
	}

	private static void run(boolean mustSucceed, String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		boolean done = process.waitFor(10, TimeUnit.SECONDS);
		if (mustSucceed && (!done || process.exitValue() != 0)) {
			throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
		}
	}

	static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** Where this class was loaded from: the client main needs nothing but it and the JDK... and Jackson. */
	static String testClasses() {
		return System.getProperty("java.class.path");
	}

	/**
	 * Samples every thread's stack for a WebSocket send in progress, and keeps the longest time
	 * one thread was seen inside the same send.
	 */
	static final class SendWatch {

		private final Map<Long, Long> inSendSince = new HashMap<>();

		private final AtomicLong longestNanos = new AtomicLong();

		private volatile int current;

		private volatile String example = "none";

		/** One thread in a send, with its stack, for a failure message. */
		String example() {
			return this.example;
		}

		synchronized void sample() {
			long now = System.nanoTime();
			Map<Long, Long> still = new HashMap<>();
			for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
				if (isSending(info.getStackTrace())) {
					this.example = info.getThreadName() + " " + info.getThreadState() + "\n"
							+ Arrays.stream(info.getStackTrace()).limit(25).map(String::valueOf).collect(java.util.stream.Collectors.joining("\n"));
					long since = this.inSendSince.getOrDefault(info.getThreadId(), now);
					still.put(info.getThreadId(), since);
					this.longestNanos.accumulateAndGet(now - since, Math::max);
				}
			}
			this.inSendSince.clear();
			this.inSendSince.putAll(still);
			this.current = still.size();
		}

		int threadsInSend() {
			return this.current;
		}

		Duration longest() {
			return Duration.ofNanos(this.longestNanos.get());
		}

		private static boolean isSending(StackTraceElement[] stack) {
			for (StackTraceElement frame : stack) {
				if (frame.getClassName().startsWith("org.apache.tomcat.websocket.WsRemoteEndpointImpl")
						&& (frame.getMethodName().startsWith("sendMessageBlock") || frame.getMethodName().startsWith("sendString")
								|| frame.getMethodName().equals("sendPing") || frame.getMethodName().startsWith("sendClose"))) {
					return true;
				}
				// Jetty (-Dcontainer=jetty): its blocking sends wait in the basic remote endpoint; a
				// close frame goes out without blocking.
				if (frame.getClassName().startsWith("org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketBasicRemote")
						&& frame.getMethodName().startsWith("send")) {
					return true;
				}
			}
			return false;
		}

	}

}

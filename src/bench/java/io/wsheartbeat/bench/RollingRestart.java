package io.wsheartbeat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rolling restart of a cluster, measured from its clients' side: redis-server, three nodes behind
 * nginx with {@code src/cluster/nginx.conf}, and N clients that beat every 5 s and reconnect as the
 * page does (full jitter from 1 s, or random within the window a 1012 names). Each node in turn is
 * sent SIGTERM, waited for until it exits, started again and waited for until it is ready; then the
 * next. Measured, for each {@code drain}:
 *
 * <ul>
 * <li>the peak handshakes per second on any node (welcomes, counted per node per whole second);
 * <li>clients closed more than once for one node's restart (from its SIGTERM to the next one's);
 * <li>the longest time any client was without a session (a close to its next welcome);
 * <li>heartbeats not acked (within the ack timeout, or before the connection ended);
 * <li>sessions that showed as lost in any view (the nodes' logs: a node judged lost, and its sessions);
 * <li>1006 closes (a connection that ended without a close frame).
 * </ul>
 *
 * <p>Arguments: {@code --jar=} (the node command is {@code java -jar} it) or {@code --classpath=}
 * (then {@code java -cp} it with the application's main class), {@code --clients=3000},
 * {@code --drains=10s,0}, {@code --out=target/bench/rolling-restart}. Loopback only.
 * {@link #run} is what the soak test calls, with fewer clients and a shorter drain.
 */
public final class RollingRestart {

	static final Duration INTERVAL = Duration.ofSeconds(5);

	static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);

	static final Duration INITIAL_DELAY = Duration.ofSeconds(1);

	static final Duration MAX_DELAY = Duration.ofSeconds(30);

	private static final Pattern WINDOW = Pattern.compile("reconnect within (\\d+) ms");

	private static final Pattern LOST = Pattern.compile("Node (\\S+) lost: .* removed it and its (\\d+) session\\(s\\)");

	private static final Path NGINX = Path.of("/usr/sbin/nginx");

	/** What one rolling restart showed, from the clients' side. */
	public record Result(Duration drain, int clients, int nodes, long peakHandshakesPerSecond, String peakNode,
			long closedMoreThanOnce, Duration longestWithoutSession, Duration longestBeyondDrawnDelay,
			long heartbeatsNotAcked, long heartbeatsAcked, long sessionsLost, long closes1006, long closes,
			Map<Integer, Long> closeCodes, Presence presence, Duration took) {

		/** The rate the drain paces a node's sessions at: its share of the clients over the drain. */
		public double pacedRate() {
			return this.drain.isZero() ? Double.NaN : (double) this.clients / this.nodes / (this.drain.toMillis() / 1000.0);
		}

		String row() {
			return String.format(Locale.ROOT, "| %s | %d | %d/s on %s%s | %d | %.1f s (%.2f s beyond its drawn delay) | %d of %d | %d | %d | %s | %d | %d (%s) | %.0f s |",
					this.drain.isZero() ? "0 (1001 at once)" : this.drain.toMillis() + " ms", this.clients,
					this.peakHandshakesPerSecond, this.peakNode,
					this.drain.isZero() ? "" : String.format(Locale.ROOT, " (paced %.0f/s)", pacedRate()),
					this.closedMoreThanOnce, this.longestWithoutSession.toMillis() / 1000.0,
					this.longestBeyondDrawnDelay.toMillis() / 1000.0, this.heartbeatsNotAcked,
					this.heartbeatsAcked + this.heartbeatsNotAcked, this.sessionsLost, this.closes1006, this.closeCodes,
					this.presence.offline(), this.presence.transitions(), this.presence.perTransition(),
					this.took.toMillis() / 1000.0);
		}

		static String header() {
			return "| drain | clients | peak handshakes/s on a node | clients closed > once for one restart | longest without a session | heartbeats not acked | sessions lost in a view | 1006 closes | close codes heard | presence: offline events | presence: transitions (Redis commands each) | run took |\n"
					+ "|---|---|---|---|---|---|---|---|---|---|---|---|";
		}

	}

	/**
	 * Presence through the restart, as Redis saw it: the transitions its script wrote, the
	 * offline ones among them (every client came back, so each is a flap), and what it cost.
	 * @param calls calls of the presence script, every node's
	 * @param commands those calls and every command they ran in Redis
	 */
	public record Presence(long transitions, long offline, long calls, long commands) {

		/** Redis commands per transition, the calls with nothing to write included. */
		public String perTransition() {
			return (this.transitions == 0) ? "-"
					: String.format(Locale.ROOT, "%.1f: %d calls, %d commands", (double) this.commands / this.transitions,
							this.calls, this.commands);
		}

	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			options.put(arg.substring(2, (eq < 0) ? arg.length() : eq), (eq < 0) ? "" : arg.substring(eq + 1));
		}
		List<String> node = options.containsKey("jar") ? List.of("-jar", options.get("jar"))
				: List.of("-cp", options.getOrDefault("classpath", System.getProperty("java.class.path")),
						"io.wsheartbeat.HeartbeatApplication");
		int clients = Integer.parseInt(options.getOrDefault("clients", "3000"));
		Path out = Path.of(options.getOrDefault("out", "target/bench/rolling-restart"));
		Files.createDirectories(out);
		StringBuilder table = new StringBuilder(Result.header()).append('\n');
		for (String drain : options.getOrDefault("drains", "10s,0").split(",")) {
			Result result = run(node, clients, parse(drain), out, System.out::println);
			table.append(result.row()).append('\n');
			System.out.println(Result.header() + "\n" + result.row());
		}
		Files.writeString(out.resolve("results.md"), table);
		System.out.println(table);
	}

	private static Duration parse(String text) {
		text = text.trim();
		if (text.equals("0")) {
			return Duration.ZERO;
		}
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
	}

	/** A line of progress. */
	public interface Progress {

		void say(String line);

	}

	/**
	 * One rolling restart of three nodes under {@code clients} clients, with {@code drain}.
	 * @param nodeCommand what follows {@code java} to start a node: {@code -jar x.jar}, or
	 * {@code -cp ... io.wsheartbeat.HeartbeatApplication}
	 */
	public static Result run(List<String> nodeCommand, int clients, Duration drain, Path dir, Progress progress)
			throws Exception {
		long began = System.nanoTime();
		Files.createDirectories(dir);
		List<Process> processes = new ArrayList<>();
		ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		List<Client> fleet = new ArrayList<>();
		int redisPort = freePort();
		int[] ports = { freePort(), freePort(), freePort() };
		Process[] nodes = new Process[3];
		Path[] logs = new Path[3];
		PresenceWatch watch = null;
		try {
			Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("redis.log").toFile())
				.start();
			processes.add(redis);
			awaitUntil(Duration.ofSeconds(10), () -> accepts(redisPort), "redis accepting");
			watch = new PresenceWatch(redisPort);
			for (int i = 0; i < 3; i++) {
				logs[i] = dir.resolve("node-" + (i + 1) + ".log");
				Files.deleteIfExists(logs[i]);
				nodes[i] = startNode(nodeCommand, i, ports[i], redisPort, drain, logs[i]);
			}
			for (int i = 0; i < 3; i++) {
				int index = i;
				awaitUntil(Duration.ofSeconds(180), () -> isReady(http, ports[index]), "node-" + (i + 1) + " ready");
			}
			Process nginx = startNginx(dir, ports);
			processes.add(nginx);
			int nginxPort = nginxPort(dir);
			awaitUntil(Duration.ofSeconds(10), () -> accepts(nginxPort), "nginx accepting");
			progress.say("drain=" + drain + ": three nodes and nginx up; opening " + clients + " clients");

			URI uri = URI.create("ws://127.0.0.1:" + nginxPort + "/ws");
			Stats stats = new Stats();
			for (int i = 0; i < clients; i++) {
				// A client id each, as the page keeps one: presence follows each client across nodes.
				Client client = new Client(URI.create(uri + "?client=c" + i), http, timers, stats);
				fleet.add(client);
				// 200 a second: opening them is not what is measured.
				timers.schedule(client::connect, i * 5L, TimeUnit.MILLISECONDS);
			}
			awaitUntil(Duration.ofSeconds(120), () -> fleet.stream().allMatch(Client::isAcked), "every client open and acked");
			stats.reset();
			watch.count();
			long measuring = System.nanoTime();
			long[] restartedAt = new long[3];
			for (int i = 0; i < 3; i++) {
				restartedAt[i] = System.nanoTime();
				progress.say("drain=" + drain + ": SIGTERM to node-" + (i + 1));
				nodes[i].destroy(); // SIGTERM
				if (!nodes[i].waitFor(drain.toSeconds() + 30, TimeUnit.SECONDS)) {
					progress.say("node-" + (i + 1) + " did not exit; killed");
					nodes[i].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
				long exited = System.nanoTime();
				nodes[i] = startNode(nodeCommand, i, ports[i], redisPort, drain, logs[i]);
				int index = i;
				awaitUntil(Duration.ofSeconds(120), () -> isReady(http, ports[index]), "node-" + (i + 1) + " ready again");
				progress.say(String.format(Locale.ROOT, "drain=%s: node-%d exited %d ms after SIGTERM, ready %d ms later",
						drain, i + 1, ms(exited - restartedAt[i]), ms(System.nanoTime() - exited)));
				// Every client back before the next restart: the clients of this one are measured apart.
				try {
					awaitUntil(Duration.ofSeconds(90), () -> fleet.stream().allMatch(Client::isOpen), "every client back");
				}
				catch (IllegalStateException ex) {
					List<Client> out = fleet.stream().filter((c) -> !c.isOpen()).toList();
					throw new IllegalStateException(ex.getMessage() + ": " + out.size() + " not open; their closes: "
							+ out.stream().limit(5).map(Client::describe).toList(), ex);
				}
			}
			awaitUntil(Duration.ofSeconds(30), () -> fleet.stream().allMatch(Client::isAcked), "every client acked at the end");
			long end = System.nanoTime();

			long closedTwice = 0;
			for (Client client : fleet) {
				for (int i = 0; i < 3; i++) {
					long from = restartedAt[i];
					long to = (i < 2) ? restartedAt[i + 1] : end;
					if (client.closes.stream().filter((c) -> c.nanos >= from && c.nanos < to).count() > 1) {
						closedTwice++;
						break;
					}
				}
			}
			// Everything from the first SIGTERM on; what happened while the clients were opened is not measured.
			long longest = fleet.stream().mapToLong((c) -> c.longestWithoutSession(false, measuring)).max().orElse(0);
			long beyond = fleet.stream().mapToLong((c) -> c.longestWithoutSession(true, measuring)).max().orElse(0);
			Map<Integer, Long> codes = new java.util.TreeMap<>();
			fleet.forEach((c) -> c.closes.stream()
				.filter((close) -> close.nanos >= measuring)
				.forEach((close) -> codes.merge(close.code, 1L, Long::sum)));
			long closesHeard = codes.values().stream().mapToLong(Long::longValue).sum();
			long lost = 0;
			for (Path log : logs) {
				Matcher m = LOST.matcher(Files.readString(log));
				while (m.find()) {
					lost += Long.parseLong(m.group(2));
				}
			}
			// Every key online, none reconnecting: no offline can follow, and the watch has seen them all.
			awaitUntil(Duration.ofSeconds(10), () -> presenceSettled(http, ports[0], clients), "every client's key online");
			watch.close();
			Presence presence = new Presence(watch.transitions.get(),
					watch.offline.values().stream().mapToLong(Long::longValue).sum(), watch.calls.get(),
					watch.commands.get());
			String[] peakNode = { "-" };
			long peak = stats.peakPerSecond(measuring, peakNode);
			Result result = new Result(drain, clients, 3, peak, peakNode[0], closedTwice, Duration.ofNanos(longest),
					Duration.ofNanos(beyond), stats.notAcked.get(), stats.acked.get(), lost, codes.getOrDefault(1006, 0L),
					closesHeard, codes, presence, Duration.ofNanos(System.nanoTime() - began));
			progress.say(Result.header() + "\n" + result.row());
			return result;
		}
		finally {
			if (watch != null) {
				watch.close();
			}
			fleet.forEach(Client::stop);
			timers.shutdownNow();
			for (Process node : nodes) {
				if (node != null) {
					node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			for (Process process : processes) {
				process.destroy();
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
		}
	}

	private static long ms(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(nanos);
	}

	private static Process startNode(List<String> nodeCommand, int index, int port, int redisPort, Duration drain, Path log)
			throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx512m", "-XX:+UseSerialGC"));
		command.addAll(nodeCommand);
		command.addAll(List.of("--server.address=127.0.0.1", "--server.port=" + port, "--spring.main.banner-mode=off",
				"--heartbeat.cluster.enabled=true", "--heartbeat.cluster.node-id=node-" + (index + 1),
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--server.forward-headers-strategy=native", "--heartbeat.max-sessions-per-address=20000",
				"--heartbeat.interval=" + INTERVAL.toMillis() + "ms", "--heartbeat.ack-timeout=" + ACK_TIMEOUT.toMillis() + "ms",
				"--heartbeat.shutdown.drain=" + drain.toMillis() + "ms", "--heartbeat.presence.enabled=true",
				"--logging.level.io.wsheartbeat.heartbeat=WARN",
				"--logging.level.io.wsheartbeat.heartbeat.SessionShutdown=INFO"));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
	}

	private static boolean presenceSettled(HttpClient http, int port, int clients) {
		try {
			String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/presence?limit=1"))
				.build(), HttpResponse.BodyHandlers.ofString()).body();
			return page.contains("\"online\":" + clients + ",\"reconnecting\":0");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static Process startNginx(Path dir, int[] ports) throws IOException {
		Path conf = dir.resolve("nginx").toAbsolutePath();
		Files.createDirectories(conf);
		int port = freePort();
		StringBuilder config = new StringBuilder();
		for (String line : Files.readAllLines(Path.of("src/cluster/nginx.conf"))) {
			if (line.contains("@server@") && !line.trim().startsWith("#")) {
				for (int p : ports) {
					config.append(line.replace("@server@", "127.0.0.1:" + p)).append('\n');
				}
			}
			else {
				config.append(line.replace("@dir@", conf.toString()).replace("@listen@", "127.0.0.1:" + port)).append('\n');
			}
		}
		Files.writeString(conf.resolve("nginx.conf"), config);
		Files.writeString(conf.resolve("port"), String.valueOf(port));
		List<String> command = new ArrayList<>(
				List.of(NGINX.toString(), "-p", conf.toString(), "-c", conf.resolve("nginx.conf").toString(), "-e",
						conf.resolve("error.log").toString()));
		if ("root".equals(System.getProperty("user.name"))) {
			command.addAll(List.of("-g", "user root root;"));
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("nginx.log").toFile())
			.start();
	}

	private static int nginxPort(Path dir) throws IOException {
		return Integer.parseInt(Files.readString(dir.resolve("nginx").resolve("port")).trim());
	}

	private static boolean isReady(HttpClient http, int port) {
		try {
			HttpResponse<String> readiness = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
						.timeout(Duration.ofSeconds(2))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			// UP once the application is ready; a cluster node registers in its first pass, at once.
			return readiness.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static boolean accepts(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	// Polls every 100 ms: a harness waiting on processes it does not own, not a test of timing.
	private static void awaitUntil(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("not within " + limit + ": " + what);
			}
			TimeUnit.MILLISECONDS.sleep(100);
		}
	}

	private static int freePort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** Counts shared by the fleet. */
	static final class Stats {

		final AtomicLong acked = new AtomicLong();

		final AtomicLong notAcked = new AtomicLong();

		// Welcomes by node, each the second (since the epoch of System.nanoTime) it arrived in.
		final ConcurrentLinkedQueue<Object[]> welcomes = new ConcurrentLinkedQueue<>();

		void reset() {
			this.acked.set(0);
			this.notAcked.set(0);
			this.welcomes.clear();
		}

		long peakPerSecond(long since, String[] node) {
			Map<String, Long> perSecond = new ConcurrentHashMap<>();
			for (Object[] w : this.welcomes) {
				long nanos = (Long) w[1];
				if (nanos >= since) {
					perSecond.merge(w[0] + "@" + ((nanos - since) / 1_000_000_000L), 1L, Long::sum);
				}
			}
			long peak = 0;
			for (Map.Entry<String, Long> e : perSecond.entrySet()) {
				if (e.getValue() > peak) {
					peak = e.getValue();
					node[0] = e.getKey().substring(0, e.getKey().indexOf('@'));
				}
			}
			return peak;
		}

	}

	/** A close this client heard or made, and the reconnect delay it drew after it (ms). */
	static final class Close {

		final long nanos;

		final int code;

		volatile long drawnMillis;

		Close(long nanos, int code) {
			this.nanos = nanos;
			this.code = code;
		}

	}

	/**
	 * A client as the page's: beats every 5 s, each heartbeat scheduled from the last ack; gives a
	 * connection up with 4001 when an ack is 2 s late; reconnects after random(0, cap) (full
	 * jitter from 1 s, doubling, at most 30 s), or after random(0, window) where a 1012 names one;
	 * the attempts start again from the first ack of a connection.
	 */
	static final class Client implements WebSocket.Listener {

		private final URI uri;

		private final HttpClient http;

		private final ScheduledExecutorService timers;

		private final Stats stats;

		final List<Close> closes = new java.util.concurrent.CopyOnWriteArrayList<>();

		final List<Long> welcomes = new java.util.concurrent.CopyOnWriteArrayList<>();

		private volatile WebSocket socket;

		private volatile boolean open;

		private volatile boolean ackedOnce;

		private volatile boolean stopped;

		private volatile long pending = -1;

		private volatile ScheduledFuture<?> ackTimer;

		private int attempts;

		private final StringBuilder text = new StringBuilder();

		Client(URI uri, HttpClient http, ScheduledExecutorService timers, Stats stats) {
			this.uri = uri;
			this.http = http;
			this.timers = timers;
			this.stats = stats;
		}

		boolean isOpen() {
			return this.open;
		}

		boolean isAcked() {
			return this.open && this.ackedOnce;
		}

		void connect() {
			if (this.stopped) {
				return;
			}
			this.http.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(10))
				.buildAsync(this.uri, this)
				.whenComplete((ws, failure) -> {
					if (failure != null) {
						reconnectAfter(null); // a handshake that failed: the backoff
					}
				});
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			this.socket = webSocket;
			this.open = true;
			this.ackedOnce = false;
			webSocket.request(1);
			beat();
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				String frame = this.text.toString();
				this.text.setLength(0);
				if (frame.contains("\"type\":\"welcome\"")) {
					long now = System.nanoTime();
					this.welcomes.add(now);
					Matcher node = Pattern.compile("\"node\":\"([^\"]+)\"").matcher(frame);
					this.stats.welcomes.add(new Object[] { node.find() ? node.group(1) : "?", now });
				}
				else if (frame.contains("\"type\":\"heartbeat_ack\"")) {
					acked();
				}
			}
			webSocket.request(1);
			return null;
		}

		private synchronized void beat() {
			if (!this.open || this.stopped) {
				return;
			}
			long timestamp = System.currentTimeMillis();
			this.pending = timestamp;
			this.socket.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + timestamp + ",\"interval\":"
					+ INTERVAL.toMillis() + "}", true);
			this.ackTimer = this.timers.schedule(this::ackTimedOut, ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}

		private synchronized void acked() {
			if (this.pending < 0) {
				return;
			}
			this.pending = -1;
			this.ackTimer.cancel(false);
			this.stats.acked.incrementAndGet();
			if (!this.ackedOnce) {
				this.ackedOnce = true;
				this.attempts = 0;
			}
			this.timers.schedule(this::beat, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		}

		private void ackTimedOut() {
			WebSocket ws;
			synchronized (this) {
				if (this.pending < 0 || !this.open) {
					return;
				}
				this.pending = -1;
				this.stats.notAcked.incrementAndGet();
				this.open = false;
				ws = this.socket;
			}
			this.closes.add(new Close(System.nanoTime(), 4001));
			ws.sendClose(4001, "ack timeout");
			ws.abort();
			reconnectAfter(null);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			closed(statusCode, reason);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			closed(1006, String.valueOf(error));
		}

		private void closed(int code, String reason) {
			synchronized (this) {
				if (!this.open) {
					return; // given up by this client already
				}
				this.open = false;
				if (this.pending >= 0) {
					this.pending = -1;
					this.ackTimer.cancel(false);
					this.stats.notAcked.incrementAndGet();
				}
			}
			if (this.stopped) {
				return;
			}
			this.closes.add(new Close(System.nanoTime(), code));
			Long window = null;
			if (code == 1012 && reason != null) {
				Matcher m = WINDOW.matcher(reason);
				if (m.find()) {
					window = Long.parseLong(m.group(1));
				}
			}
			reconnectAfter(window);
		}

		private synchronized void reconnectAfter(Long window) {
			double cap = (window != null) ? window
					: Math.min(MAX_DELAY.toMillis(), INITIAL_DELAY.toMillis() * Math.pow(2, this.attempts));
			this.attempts++;
			long delay = (long) (ThreadLocalRandom.current().nextDouble() * cap);
			if (!this.closes.isEmpty() && this.closes.get(this.closes.size() - 1).drawnMillis == 0) {
				this.closes.get(this.closes.size() - 1).drawnMillis = Math.max(1, delay);
			}
			this.timers.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
		}

		/**
		 * The longest stretch from a close to the next welcome (to now, where none came), less the
		 * delay drawn after that close when {@code beyondDrawn}: what the reconnect itself cost.
		 */
		long longestWithoutSession(boolean beyondDrawn, long since) {
			long longest = 0;
			List<Long> w = new ArrayList<>(this.welcomes);
			for (Close close : this.closes) {
				if (close.nanos < since) {
					continue;
				}
				long next = w.stream().filter((t) -> t > close.nanos).min(Long::compare).orElse(System.nanoTime());
				long gap = next - close.nanos - (beyondDrawn ? TimeUnit.MILLISECONDS.toNanos(close.drawnMillis) : 0);
				longest = Math.max(longest, gap);
			}
			return longest;
		}

		String describe() {
			return this.closes.stream().map((c) -> c.code + "+" + c.drawnMillis + "ms").toList() + " attempts " + this.attempts;
		}

		void stop() {
			this.stopped = true;
			WebSocket ws = this.socket;
			if (ws != null) {
				ws.abort();
			}
		}

	}

	private RollingRestart() {
	}

}

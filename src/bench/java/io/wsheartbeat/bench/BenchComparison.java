package io.wsheartbeat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.wsheartbeat.bench.LoadOptions.Mode;
import io.wsheartbeat.bench.ProcStats.CpuTime;
import io.wsheartbeat.bench.ProcStats.ListenQueue;
import io.wsheartbeat.bench.ServerUnderTest.Kind;

/**
 * The comparison behind {@code src/bench/run}: every scenario against our server and against the
 * reference server, alternating which goes first, for several rounds; a fresh server process for
 * each run. Writes every run to {@code results.json} as it finishes and the medians, with ratios
 * and targets, to {@code results.md}.
 *
 * <p>Arguments: {@code --jar=}, {@code --reference=} (server.js with its node_modules),
 * {@code --out=}, {@code --rounds=3}, {@code --scale=full|quick}, {@code --only=name,name},
 * {@code --our-java=} (a JDK's home, or its java command), {@code --our-jvm-options="..."},
 * {@code --our-extra-arguments="..."}, {@code --warmup-seconds=10}, {@code --our-aot-cache=} (a Java 25
 * AOT cache from {@code src/aot/build-cache}; our server then runs the jar extracted beside it).
 */
public final class BenchComparison {

	/** What either server gets before the measurement, not counted (see {@link #warmUp}). */
	enum WarmUp {

		/**
		 * Nothing: a fresh process, measured from its first handshake, as every restart is. The
		 * ramp itself is the measurement: CPU per handshake, connect times, acks during it.
		 */
		NONE,

		/**
		 * A closed loop only. Where memory per connection is the measure: the memory a warm-up's
		 * connections leave in either runtime's allocator would hide part of what is measured.
		 */
		HEARTBEATS,

		/** A closed loop, then a ramp of handshakes: the JIT warm for both paths. */
		HEARTBEATS_AND_HANDSHAKES

	}

	/**
	 * One load, the same for both servers. {@code countsSyscalls}: whether {@link SyscallCounter}
	 * counts the server's system calls in the window; only where nothing else is measured, as
	 * counting costs the server some CPU.
	 */
	record Scenario(String name, String what, Mode mode, int connections, int openRate, long intervalMillis,
			long durationSeconds, long silentWaitSeconds, WarmUp warmUp, boolean countsSyscalls) {

		Scenario(String name, String what, Mode mode, int connections, int openRate, long intervalMillis,
				long durationSeconds, long silentWaitSeconds, WarmUp warmUp) {
			this(name, what, mode, connections, openRate, intervalMillis, durationSeconds, silentWaitSeconds, warmUp,
					false);
		}

		LoadOptions load(int port) {
			return new LoadOptions(this.mode, "127.0.0.1", port, "/ws", Math.min(this.connections,
					LoadOptions.MAX_CONNECTIONS_PER_PROCESS), this.openRate, this.intervalMillis,
					this.durationSeconds, this.silentWaitSeconds, List.of("127.0.0.1"), true);
		}

		boolean isCold() {
			return this.warmUp == WarmUp.NONE;
		}

	}

	/**
	 * What one run of one scenario against one server measured.
	 * @param serverCpuWindow the server's CPU time in the measured window
	 * @param syscallsInWindow the server's system calls in the window, by name; empty unless counted
	 * @param serverCpuRamp the server's CPU time while the connections were being opened
	 * @param listenQueue connections the kernel dropped at the listen queue while they were being
	 * opened (the whole machine's count)
	 * @param liveHeapBeforeBytes our server's live heap before the load ({@link ServerUnderTest#liveHeapBytes}); -1 for the reference
	 * @param liveHeapHeldBytes the same with every connection held
	 */
	record Run(int round, Scenario scenario, Kind server, GeneratorResult generator, long serverRssBeforeKib,
			long serverRssHeldKib, CpuTime serverCpuWindow, long serverCpuTotalMillis, long generatorCpuWindowMillis,
			long acksInWindow, double reaperPassMeanMillis, Map<String, Long> syscallsInWindow, CpuTime serverCpuRamp,
			ListenQueue listenQueue, long liveHeapBeforeBytes, long liveHeapHeldBytes, String error) {

		static Run failed(int round, Scenario scenario, Kind server, String error) {
			return new Run(round, scenario, server, new GeneratorResult(), 0, 0, CpuTime.NONE, 0, 0, 0, -1, Map.of(),
					CpuTime.NONE, ListenQueue.NONE, -1, -1, error);
		}

		/** Our server's live heap per connection held; NaN for the reference. */
		double liveHeapPerConnectionBytes() {
			return (this.generator.opened > 0 && this.liveHeapBeforeBytes >= 0 && this.liveHeapHeldBytes >= 0)
					? (double) (this.liveHeapHeldBytes - this.liveHeapBeforeBytes) / this.generator.opened : Double.NaN;
		}

		/** Server CPU per connection opened, over the ramp. */
		double serverCpuPerHandshakeMillis() {
			return (this.generator.opened > 0) ? (double) this.serverCpuRamp.totalMillis() / this.generator.opened : 0;
		}

		double rssPerConnectionBytes() {
			return (this.generator.opened > 0) ? (this.serverRssHeldKib - this.serverRssBeforeKib) * 1024.0 / this.generator.opened : 0;
		}

		double serverCpuPerAckMicros() {
			return perAck(this.serverCpuWindow.totalMillis() * 1000.0);
		}

		double serverSystemCpuPerAckMicros() {
			return perAck(this.serverCpuWindow.systemMillis() * 1000.0);
		}

		/** How many of one kind of system call the server made per ack; NaN where none were counted. */
		double syscallsPerAck(String name) {
			Long count = this.syscallsInWindow.get(name);
			return (count != null) ? perAck(count) : Double.NaN;
		}

		private double perAck(double total) {
			return (this.acksInWindow > 0) ? total / this.acksInWindow : 0;
		}

		double serverCpuShare() {
			return (this.generator.windowMillis > 0)
					? (double) this.serverCpuWindow.totalMillis() / this.generator.windowMillis : 0;
		}

		String toJson() {
			return "{\"round\": " + this.round + ", \"scenario\": \"" + this.scenario.name() + "\", \"server\": \""
					+ this.server.label + "\", " + this.generator.toJsonFields() + ", \"serverRssBeforeKib\": "
					+ this.serverRssBeforeKib + ", \"serverRssHeldKib\": " + this.serverRssHeldKib
					+ ", \"serverRssPerConnectionBytes\": " + Math.round(rssPerConnectionBytes())
					+ ", \"serverCpuWindowMillis\": " + this.serverCpuWindow.totalMillis()
					+ ", \"serverSystemCpuWindowMillis\": " + this.serverCpuWindow.systemMillis()
					+ ", \"serverSyscallsInWindow\": " + syscallsJson() + ", \"serverCpuTotalMillis\": "
					+ this.serverCpuTotalMillis + ", \"serverCpuPerAckMicros\": "
					+ String.format(Locale.ROOT, "%.2f", serverCpuPerAckMicros()) + ", \"acksInWindow\": "
					+ this.acksInWindow + ", \"generatorCpuWindowMillis\": " + this.generatorCpuWindowMillis
					+ ", \"serverCpuRampMillis\": " + this.serverCpuRamp.totalMillis()
					+ ", \"serverSystemCpuRampMillis\": " + this.serverCpuRamp.systemMillis()
					+ ", \"listenOverflows\": " + this.listenQueue.overflows() + ", \"listenDrops\": "
					+ this.listenQueue.drops() + ", \"liveHeapBeforeBytes\": " + this.liveHeapBeforeBytes
					+ ", \"liveHeapHeldBytes\": " + this.liveHeapHeldBytes + ", \"reaperPassMeanMillis\": " + String.format(Locale.ROOT, "%.3f", this.reaperPassMeanMillis)
					+ ", \"error\": " + ((this.error != null) ? "\"" + this.error.replace("\"", "'") + "\"" : "null")
					+ "}";
		}

		private String syscallsJson() {
			StringBuilder json = new StringBuilder("{");
			this.syscallsInWindow.forEach((name, count) -> json.append((json.length() > 1) ? ", " : "")
				.append('"').append(name).append("\": ").append(count));
			return json.append('}').toString();
		}

	}

	// Several source addresses, so ephemeral ports (and ports in TIME_WAIT after a run) never run short.
	private static final List<String> SOURCE_ADDRESSES = IntStream.rangeClosed(2, 9)
		.mapToObj((i) -> "127.0.0." + i)
		.toList();

	static List<Scenario> scenarios(String scale) {
		WarmUp warm = WarmUp.HEARTBEATS_AND_HANDSHAKES;
		if (scale.equals("quick")) {
			return List.of(
					new Scenario("cold-storm", "2,000 handshakes at 1,000/s into a fresh process, each beating every 5 s", Mode.HOLD, 2_000, 1_000, 5_000, 0, 0, WarmUp.NONE),
					new Scenario("hold", "2,000 sessions beating every 5 s", Mode.HOLD, 2_000, 500, 5_000, 10, 0, warm),
					new Scenario("idle", "1,000 idle sessions (30 s interval)", Mode.HOLD, 1_000, 500, 30_000, 3, 0, WarmUp.HEARTBEATS),
					new Scenario("beat-1s", "1,000 sessions beating every 1 s", Mode.HOLD, 1_000, 500, 1_000, 10, 0, warm),
					new Scenario("throughput-100", "closed loop, 100 connections", Mode.THROUGHPUT, 100, 1_000, 1_000, 5, 0, warm),
					new Scenario("throughput-10", "closed loop, 10 connections", Mode.THROUGHPUT, 10, 1_000, 1_000, 5, 0, warm),
					new Scenario("silent", "10 clients beat once, then stay silent", Mode.SILENT, 10, 1_000, 1_000, 0, 65, warm),
					new Scenario("syscalls-100", "closed loop, 100 connections, system calls counted", Mode.THROUGHPUT, 100,
							1_000, 1_000, 3, 0, warm, true),
					new Scenario("restart", RESTART_WHAT.formatted("2,000"), Mode.RESTART, 2_000, 1_000, 5_000, 30, 60,
							WarmUp.NONE));
		}
		return List.of(
				new Scenario("cold-storm", "10,000 handshakes at 1,000/s into a fresh process, each beating every 5 s", Mode.HOLD, 10_000, 1_000, 5_000, 0, 0, WarmUp.NONE),
				new Scenario("hold", "19,000 sessions beating every 30 s", Mode.HOLD, 19_000, 1_000, 30_000, 35, 0, warm),
				new Scenario("idle", "10,000 idle sessions (30 s interval)", Mode.HOLD, 10_000, 1_000, 30_000, 5, 0, WarmUp.HEARTBEATS),
				new Scenario("beat-1s", "10,000 sessions beating every 1 s", Mode.HOLD, 10_000, 1_000, 1_000, 30, 0, warm),
				new Scenario("throughput-100", "closed loop, 100 connections", Mode.THROUGHPUT, 100, 1_000, 1_000, 15, 0, warm),
				new Scenario("throughput-10", "closed loop, 10 connections", Mode.THROUGHPUT, 10, 1_000, 1_000, 10, 0, warm),
				new Scenario("silent", "100 clients beat once, then stay silent", Mode.SILENT, 100, 1_000, 1_000, 0, 65, warm),
				new Scenario("syscalls-100", "closed loop, 100 connections, system calls counted", Mode.THROUGHPUT, 100,
						1_000, 1_000, 5, 0, warm, true),
				new Scenario("restart", RESTART_WHAT.formatted("10,000"), Mode.RESTART, 10_000, 1_000, 5_000, 30, 60,
						WarmUp.NONE));
	}

	private static final String RESTART_WHAT = "the server exec'd; %s clients connect at 1,000/s from that instant, "
			+ "retrying with the page's backoff, each beating every 5 s once welcomed; acks of the first 30 s";

	// The generators are started this long before the server, and wait for its start: none of the
	// clients' turns should pass while a generator's JVM is still starting.
	private static final Duration GENERATOR_HEAD_START = Duration.ofSeconds(2);

	// Our server as a user runs it, with only the limits the load needs: room for 19,000 sessions,
	// all from the generator's few loopback addresses, and no per-session rate limit, since the
	// closed loop sends far more than 50 messages a second. Nothing else: the defaults are what is
	// measured.
	static final List<String> OUR_ARGUMENTS = List.of("--heartbeat.max-sessions=19000",
			"--heartbeat.max-sessions-per-address=19000", "--heartbeat.max-messages-per-second=1000000");

	// A heap cap, as anyone running a JVM beside other processes gives one; the collector and the
	// rest are the JVM's own choice.
	static final String OUR_JVM_OPTIONS = "-Xmx1g";

	private final Map<String, String> arguments;

	private final Path out;

	private final List<Run> runs = new ArrayList<>();

	private String loadAtStart = "";

	private BenchComparison(Map<String, String> arguments) {
		this.arguments = arguments;
		this.out = Path.of(arguments.getOrDefault("out", "target/bench"));
	}

	public static void main(String[] args) throws IOException {
		Map<String, String> arguments = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			arguments.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		new BenchComparison(arguments).runAll();
		System.exit(0);
	}

	private void runAll() throws IOException {
		Files.createDirectories(this.out.resolve("logs"));
		int rounds = Integer.parseInt(this.arguments.getOrDefault("rounds", "3"));
		String scale = this.arguments.getOrDefault("scale", "full");
		List<String> only = Arrays.stream(this.arguments.getOrDefault("only", "").split(","))
			.filter((name) -> !name.isBlank())
			.toList();
		List<Scenario> scenarios = scenarios(scale).stream()
			.filter((scenario) -> only.isEmpty() || only.contains(scenario.name()))
			.toList();
		Instant started = Instant.now();
		this.loadAtStart = Files.readString(Path.of("/proc/loadavg")).trim();
		for (int round = 1; round <= rounds; round++) {
			for (Scenario scenario : scenarios) {
				// Alternate which server goes first, so neither always meets a machine the other warmed.
				List<Kind> order = ((round + scenarios.indexOf(scenario)) % 2 == 1) ? List.of(Kind.OURS, Kind.REFERENCE)
						: List.of(Kind.REFERENCE, Kind.OURS);
				for (Kind kind : order) {
					Run run;
					try {
						run = runOnce(round, scenario, kind);
					}
					catch (IOException ex) {
						run = Run.failed(round, scenario, kind, ex.getMessage());
					}
					this.runs.add(run);
					GeneratorResult seen = run.generator();
					System.out.printf(Locale.ROOT, "round %d %-15s %-9s opened=%d failed=%d closedByServer=%d acks=%d/%d p50=%dus p99=%dus rss/conn=%.0fB cpu/ack=%.1fus connect-p99=%dus ramp-ack-p99=%dus cpu/handshake=%.2fms listen-overflows=%d%s%n",
							round, scenario.name(), kind.label, seen.opened, seen.failed, seen.closedByServer,
							seen.acksReceived, seen.heartbeatsSent, seen.rttMicros.quantile(0.5),
							seen.rttMicros.quantile(0.99), run.rssPerConnectionBytes(), run.serverCpuPerAckMicros(),
							seen.connectMicros.quantile(0.99), seen.rampRttMicros.quantile(0.99),
							run.serverCpuPerHandshakeMillis(), run.listenQueue().overflows(),
							(run.error() != null) ? " ERROR " + run.error() : "");
					if (scenario.mode() == Mode.RESTART) {
						System.out.printf(Locale.ROOT, "      restart from exec: 50%% welcomed %.2fs, 99%% %.2fs, 100%% %.2fs; ack p99 over the first %ds %.1fms; retries=%d%n",
								seen.welcomedShareMicros(0.5) / 1e6, seen.welcomedShareMicros(0.99) / 1e6,
								seen.welcomedShareMicros(1.0) / 1e6, scenario.durationSeconds(),
								seen.rttMicros.quantile(0.99) / 1000.0, seen.retries);
					}
					write(started, scale, rounds);
				}
			}
		}
		System.out.println("Wrote " + this.out.resolve("results.json") + " and " + this.out.resolve("results.md"));
	}

	private Run runOnce(int round, Scenario scenario, Kind kind) throws IOException {
		if (scenario.mode() == Mode.RESTART) {
			return runRestart(round, scenario, kind);
		}
		Path logs = this.out.resolve("logs");
		String tag = "r" + round + "-" + scenario.name() + "-" + kind.label;
		List<String> jvmOptions = ourJvmOptions();
		try (ServerUnderTest server = ServerUnderTest.start(kind, ourJar(),
				Path.of(this.arguments.get("reference")), ourJava(), jvmOptions, ourArguments(),
				logs.resolve(tag + ".log"))) {
			warmUp(server, scenario.warmUp(), logs);
			long heapBefore = server.liveHeapBytes();
			server.collectGarbage();
			long rssBefore = server.settledRssKib();
			CpuTime cpuStart = server.cpuTime();
			ListenQueue listenStart = ProcStats.listenQueue();
			GeneratorResult result = new GeneratorResult();
			String error = null;
			CpuTime cpuReady = cpuStart;
			CpuTime cpuGo = cpuStart;
			CpuTime cpuHeld = cpuStart;
			ListenQueue listenReady = listenStart;
			Map<String, Long> syscalls = Map.of();
			long generatorCpuGo = 0;
			long generatorCpuHeld = 0;
			long acksInWindow = 0;
			long rssHeld = rssBefore;
			long heapHeld = -1;
			double reaperPass = -1;
			// The generator gives a handshake 30 s; wait longer than that past the last opening.
			Duration rampTime = Duration.ofSeconds(scenario.connections() / scenario.openRate() + 90);
			Duration windowTime = Duration
				.ofSeconds(scenario.durationSeconds() + scenario.silentWaitSeconds() + 30);
			try (WorkerPool pool = WorkerPool.start(scenario.load(server.port), scenario.connections(),
					scenario.openRate(), SOURCE_ADDRESSES, logs)) {
				try {
					List<String> ready = pool.awaitReady(rampTime);
					cpuReady = server.cpuTime();
					listenReady = ProcStats.listenQueue();
					double[] passesAtGo = server.reaperPasses();
					SyscallCounter counter = scenario.countsSyscalls()
							? SyscallCounter.start(server.pid(), logs.resolve(tag + ".perf")) : null;
					cpuGo = server.cpuTime();
					generatorCpuGo = pool.cpuMillis();
					pool.go();
					List<String> held = pool.awaitHeld(windowTime);
					cpuHeld = server.cpuTime();
					generatorCpuHeld = pool.cpuMillis();
					if (counter != null) {
						syscalls = counter.stop();
					}
					acksInWindow = sumField(held, "acks") - sumField(ready, "acks");
					double[] passesAtHeld = server.reaperPasses();
					if (passesAtGo != null && passesAtHeld != null && passesAtHeld[0] > passesAtGo[0]) {
						// The mean pass of the measured window, with every session open and the JIT
						// warm; the timer's MAX would include the cold passes of start-up.
						reaperPass = (passesAtHeld[1] - passesAtGo[1]) / (passesAtHeld[0] - passesAtGo[0]);
					}
					heapHeld = server.liveHeapBytes();
					server.collectGarbage();
					rssHeld = server.settledRssKib();
					result = pool.close(Duration.ofSeconds(60));
				}
				catch (RuntimeException ex) {
					error = ex.getMessage();
				}
			}
			if (!server.isAlive()) {
				error = ((error != null) ? error + "; " : "") + kind.label + " server died";
			}
			return new Run(round, scenario, kind, result, rssBefore, rssHeld, cpuHeld.since(cpuGo),
					cpuHeld.since(cpuStart).totalMillis(), generatorCpuHeld - generatorCpuGo, acksInWindow, reaperPass,
					syscalls, cpuReady.since(cpuStart), listenReady.since(listenStart), heapBefore, heapHeld, error);
		}
	}

	/**
	 * {@code restart}: the generators start first and wait for an agreed instant; at that instant
	 * the server is exec'd, and every time is measured from it: client {@code i} first connects
	 * {@code i / openRate} after it, retries a refused or failed connect with the page's backoff,
	 * and beats once welcomed. The server's CPU is counted from its exec to the moment every client
	 * was welcomed and the window (30 s) was over.
	 */
	private Run runRestart(int round, Scenario scenario, Kind kind) throws IOException {
		Path logs = this.out.resolve("logs");
		String tag = "r" + round + "-" + scenario.name() + "-" + kind.label;
		List<String> jvmOptions = ourJvmOptions();
		// Found before the clock starts: from the agreed instant, nothing but the exec.
		Path jar = ourJar();
		int port = ServerUnderTest.freePort();
		long origin = System.currentTimeMillis() + GENERATOR_HEAD_START.toMillis();
		GeneratorResult result = new GeneratorResult();
		String error = null;
		CpuTime cpu = CpuTime.NONE;
		ListenQueue listen = ListenQueue.NONE;
		try (WorkerPool pool = WorkerPool.start(scenario.load(port).withOrigin(origin), scenario.connections(),
				scenario.openRate(), SOURCE_ADDRESSES, logs)) {
			awaitInstant(origin);
			long execLateMillis = System.currentTimeMillis() - origin;
			ListenQueue listenStart = ProcStats.listenQueue();
			try (ServerUnderTest server = ServerUnderTest.exec(kind, jar,
					Path.of(this.arguments.get("reference")), ourJava(), jvmOptions, ourArguments(), port,
					logs.resolve(tag + ".log"))) {
				try {
					pool.awaitReady(Duration.ofSeconds(scenario.durationSeconds() + scenario.silentWaitSeconds() + 60));
					cpu = server.cpuTime();
					listen = ProcStats.listenQueue().since(listenStart);
					pool.go();
					pool.awaitHeld(Duration.ofSeconds(30));
					result = pool.close(Duration.ofSeconds(60));
				}
				catch (RuntimeException ex) {
					error = ex.getMessage();
				}
				if (!server.isAlive()) {
					error = ((error != null) ? error + "; " : "") + kind.label + " server died";
				}
			}
			if (execLateMillis > 100) {
				error = ((error != null) ? error + "; " : "") + "server exec'd " + execLateMillis + " ms after the clients' start";
			}
		}
		return new Run(round, scenario, kind, result, 0, 0, CpuTime.NONE, cpu.totalMillis(), 0, result.acksReceived, -1,
				Map.of(), cpu, listen, -1, -1, error);
	}

	// The harness waits for an instant it agreed with the generators; nothing to poll for.
	private static void awaitInstant(long epochMillis) {
		long wait = epochMillis - System.currentTimeMillis();
		if (wait > 0) {
			try {
				Thread.sleep(wait);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * {@code --our-jvm-options} (or {@link #OUR_JVM_OPTIONS}), and with {@code --our-aot-cache=} the
	 * cache. {@code -XX:AOTMode=on}: a cache the JVM cannot map fails the run at start, where the
	 * default would warn and run without it, and the run would measure something else than it says.
	 */
	private List<String> ourJvmOptions() {
		List<String> options = new ArrayList<>(Arrays.stream(this.arguments.getOrDefault("our-jvm-options", OUR_JVM_OPTIONS).split(" "))
			.filter((option) -> !option.isBlank())
			.toList());
		String cache = this.arguments.get("our-aot-cache");
		if (cache != null && !cache.isBlank()) {
			options.add("-XX:AOTCache=" + cache);
			options.add("-XX:AOTMode=on");
		}
		return options;
	}

	/**
	 * The jar our server runs: {@code --jar=}, or with {@code --our-aot-cache=} the jar the cache
	 * was trained with, extracted beside it as {@code src/aot/build-cache} writes them
	 * ({@code target/aot/app.aot} and {@code target/aot/app/*.jar}): a cache holds for that
	 * classpath only.
	 */
	private Path ourJar() throws IOException {
		String cache = this.arguments.get("our-aot-cache");
		if (cache == null || cache.isBlank()) {
			return Path.of(this.arguments.get("jar"));
		}
		String name = Path.of(cache).getFileName().toString();
		Path extracted = Path.of(cache).resolveSibling(name.substring(0, Math.max(name.lastIndexOf('.'), 0)));
		try (Stream<Path> files = Files.list(extracted)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jar"))
				.findFirst()
				.orElseThrow(() -> new IOException("no jar in " + extracted + " beside the AOT cache " + cache));
		}
	}

	/** The java command our server runs with: {@code --our-java=} (a JDK's home or its java), or this JVM's own. */
	private Path ourJava() {
		String given = this.arguments.get("our-java");
		if (given == null || given.isBlank()) {
			return Path.of(System.getProperty("java.home"), "bin", "java");
		}
		Path path = Path.of(given);
		return Files.isDirectory(path) ? path.resolve("bin").resolve("java") : path;
	}

	/**
	 * {@link #OUR_ARGUMENTS} and whatever {@code --our-extra-arguments} adds, space-separated. An
	 * extra argument replaces a default with the same key: Spring Boot would join the two values
	 * into one list and fail to convert it.
	 */
	private List<String> ourArguments() {
		Map<String, String> byKey = new LinkedHashMap<>();
		Stream.concat(OUR_ARGUMENTS.stream(),
				Arrays.stream(this.arguments.getOrDefault("our-extra-arguments", "").split(" ")))
			.filter((argument) -> !argument.isBlank())
			.forEach((argument) -> byKey.put(argument.split("=", 2)[0], argument));
		return new ArrayList<>(byKey.values());
	}

	/**
	 * The same warm-up against either server before the measurement, so that JIT compilation (the
	 * JVM's C2, V8's TurboFan) is not counted as the cost of an ack: a closed loop for the
	 * heartbeat path, then (see {@link WarmUp}) a ramp of handshakes for the opening and closing
	 * paths, which every scenario starts with. Not counted in any result.
	 */
	private void warmUp(ServerUnderTest server, WarmUp warmUp, Path logs) {
		long seconds = Long.parseLong(this.arguments.getOrDefault("warmup-seconds", "10"));
		if (seconds == 0 || warmUp == WarmUp.NONE) {
			return;
		}
		LoadOptions closedLoop = new LoadOptions(Mode.THROUGHPUT, "127.0.0.1", server.port, "/ws", 100, 1_000, 1_000,
				seconds, 0, List.of("127.0.0.1"), true);
		warmUp(server, closedLoop, seconds, logs);
		if (warmUp != WarmUp.HEARTBEATS_AND_HANDSHAKES) {
			return;
		}
		int ramp = (int) Math.min(seconds * 500, LoadOptions.MAX_CONNECTIONS_PER_PROCESS);
		LoadOptions handshakeRamp = new LoadOptions(Mode.HOLD, "127.0.0.1", server.port, "/ws", ramp, 1_000, 1_000, 1,
				0, List.of("127.0.0.1"), true);
		warmUp(server, handshakeRamp, 1, logs);
	}

	private static void warmUp(ServerUnderTest server, LoadOptions load, long seconds, Path logs) {
		try (WorkerPool pool = WorkerPool.start(load, load.connections(), load.openRate(), List.of("127.0.0.10"),
				logs)) {
			pool.awaitReady(Duration.ofSeconds(60));
			pool.go();
			pool.awaitHeld(Duration.ofSeconds(seconds + 60));
			pool.close(Duration.ofSeconds(60));
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("warm-up against " + server.kind.label + " failed: " + ex.getMessage());
		}
	}

	private static long sumField(List<String> lines, String field) {
		long sum = 0;
		for (String line : lines) {
			for (String part : line.split(" ")) {
				if (part.startsWith(field + "=")) {
					sum += Long.parseLong(part.substring(field.length() + 1));
				}
			}
		}
		return sum;
	}

	private void write(Instant started, String scale, int rounds) throws IOException {
		StringBuilder json = new StringBuilder("{\n  \"started\": \"" + started + "\",\n  \"scale\": \"" + scale
				+ "\",\n  \"loadAtStart\": \"" + this.loadAtStart + "\",\n  \"rounds\": " + rounds + ",\n  \"ourArguments\": \"" + String.join(" ", ourArguments())
				+ "\",\n  \"ourJava\": \"" + ourJava() + "\",\n  \"ourJar\": \"" + ourJar() + "\",\n  \"ourJvmOptions\": \"" + String.join(" ", ourJvmOptions()) + "\",\n  \"runs\": [\n");
		for (int i = 0; i < this.runs.size(); i++) {
			json.append("    ").append(this.runs.get(i).toJson()).append((i + 1 < this.runs.size()) ? ",\n" : "\n");
		}
		json.append("  ]\n}\n");
		Files.writeString(this.out.resolve("results.json"), json);
		String conditions = "Started " + started + "; our server: `" + String.join(" ", ourArguments()) + "`, `"
				+ ourJava() + "` with `" + String.join(" ", ourJvmOptions()) + "` on `" + ourJar() + "`; /proc/loadavg at start `"
				+ this.loadAtStart + "`, at this write `" + Files.readString(Path.of("/proc/loadavg")).trim() + "`.\n\n";
		Files.writeString(this.out.resolve("results.md"), conditions + BenchTable.markdown(this.runs, scale));
	}

	/** The median over rounds of one measure, for one scenario and server; NaN when there is no such run. */
	static double median(List<Run> runs, String scenario, Kind server, ToDoubleFunction<Run> measure) {
		double[] values = runs.stream()
			.filter((run) -> run.scenario().name().equals(scenario) && run.server() == server && run.error() == null)
			.mapToDouble(measure)
			.sorted()
			.toArray();
		if (values.length == 0) {
			return Double.NaN;
		}
		return (values.length % 2 == 1) ? values[values.length / 2]
				: (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
	}

}

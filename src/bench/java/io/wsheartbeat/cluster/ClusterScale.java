package io.wsheartbeat.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.cluster.ScaleRedis.CommandStat;

/**
 * The cluster at scale, in one JVM: many nodes, each with the production store, state, metrics,
 * membership and view ({@link ScaleNode}), and made-up sessions that open and close at a steady
 * rate, against one redis-server it starts on a free loopback port. It measures, in this order:
 *
 * <ol>
 * <li>{@code steady}: over a window after a warm-up, Redis's commands per second (from
 * {@code INFO commandstats}, the commands run inside scripts included) and the time Redis spent
 * in them, bytes out of and into Redis per second ({@code INFO stats}), Redis's CPU
 * ({@code INFO cpu}) and memory ({@code INFO memory}), each node's longest renewal gap (the
 * {@code heartbeat.cluster.lease.renewal.gap} timer's max), and the heap the nodes hold (after a
 * full GC, less the heap before the first node, per node; and a histogram of the cluster's
 * classes);
 * <li>{@code restart-empty}: Redis killed, down for three leases, started again empty; the time
 * from its first answer until every view is whole;
 * <li>{@code restart-aof}: the same, with the append-only file written and fsynced before the
 * kill, and Redis started again on it;
 * <li>{@code big-node}: one more node, of 50,000 sessions, registers (one register.lua) while
 * a view pages through it again and again; the other nodes' longest renewal gap meanwhile.
 * </ol>
 *
 * <p>A view is whole when every node's {@link ClusterSessions#summary()} lists every node with
 * the count it holds, and paging through every node's sessions ({@link ClusterSessions#sessions})
 * gives the sessions that node holds, but those that opened or closed in the last second (the
 * sessions keep opening and closing throughout). The pages are read by one node per check, in
 * turn: every node reads the same keys.
 *
 * <pre>
 * java -cp target/test-classes:$(cat cp.txt) io.wsheartbeat.cluster.ClusterScale --nodes=20 --sessions=5000
 * </pre>
 *
 * (or {@code src/bench/cluster-scale}). Options: {@code --nodes}, {@code --sessions} (per node),
 * {@code --churn} (the share of each node's sessions that closes, and as many that open, each
 * second), {@code --warmup} and {@code --steady} (seconds), {@code --phases} (a comma-separated
 * list of those above, all by default), {@code --big-node} (its sessions), {@code --view}
 * ({@code heartbeat.view.enabled}: closes also go to the views' list).
 */
public final class ClusterScale {

	/** The tick of the churn: each tick each node closes and opens its share. */
	private static final Duration CHURN_TICK = Duration.ofMillis(100);

	private static final int PAGE = WholeViews.PAGE;

	/** The nodes' lease (the default, {@code heartbeat.cluster.lease}). */
	private static final Duration LEASE = Duration.ofSeconds(5);

	private final Options options;

	private final PrintStream out;

	private final ScheduledExecutorService clock = Executors.newScheduledThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "scale-clock");
		thread.setDaemon(true);
		return thread;
	});

	// Read by the churn and the sampler while the big node joins.
	private final List<ScaleNode> nodes = new CopyOnWriteArrayList<>();

	private final Result result = new Result();

	private final WholeViews views;

	// The longest renewal gap of each node seen by the sampler since the phase began, ms.
	private volatile double[] gapMax;

	private ClusterScale(Options options, PrintStream out) {
		this.options = options;
		this.out = out;
		int slack = (int) Math.ceil(options.sessions * options.churn * CHURN_TICK.toMillis() / 1000.0) + 1;
		this.views = new WholeViews(this.nodes, slack, this::await, this.result.failures);
	}

	public static void main(String[] args) throws Exception {
		ScaleJvm.quietLogs();
		Options options = Options.parse(args);
		Result result = run(options, System.out);
		System.exit(result.failures.isEmpty() ? 0 : 1);
	}

	/** Runs the phases asked for, prints what it measured, and stops everything it started. */
	static Result run(Options options, PrintStream out) throws Exception {
		return new ClusterScale(options, out).run();
	}

	private Result run() throws Exception {
		this.out.printf(Locale.ROOT, "cluster-scale: %d nodes x %d sessions, %.1f%% reconnecting per second, phases %s%n",
				this.options.nodes, this.options.sessions, 100 * this.options.churn, this.options.phases);
		this.out.printf(Locale.ROOT, "machine: %d cores, load %s (shared with other work)%n",
				Runtime.getRuntime().availableProcessors(), ScaleJvm.loadAverage());
		ClientResources resources = DefaultClientResources.builder()
			.ioThreadPoolSize(4)
			.computationThreadPoolSize(2)
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
			.build();
		JsonMapper jsonMapper = JsonMapper.builder().build();
		ScaleRedis redis = ScaleRedis.start();
		ScheduledFuture<?> churn = null;
		ScheduledFuture<?> sampler = null;
		try {
			long emptyMemory = redis.infoLong("memory", "used_memory");
			long heapBefore = ScaleJvm.heapAfterGc();
			long started = System.nanoTime();
			for (int i = 0; i < this.options.nodes; i++) {
				this.nodes.add(new ScaleNode(String.format(Locale.ROOT, "node-%02d", i), this.options.sessions,
						this.options.view, redis.port(), resources, jsonMapper, i));
			}
			this.nodes.forEach(ScaleNode::start);
			Duration joined = this.views.untilWhole(started);
			this.out.printf(Locale.ROOT, "joined: every view whole %.1f s after the first node started%n",
					seconds(joined));
			double perTick = this.options.sessions * this.options.churn * CHURN_TICK.toMillis() / 1000.0;
			churn = this.clock.scheduleAtFixedRate(() -> this.nodes.forEach((node) -> node.sessions.churn(perTick)),
					CHURN_TICK.toMillis(), CHURN_TICK.toMillis(), TimeUnit.MILLISECONDS);
			sampler = this.clock.scheduleAtFixedRate(this::sampleGaps, 1, 1, TimeUnit.SECONDS);

			if (this.options.phases.contains("steady")) {
				steady(redis, emptyMemory, heapBefore);
			}
			if (this.options.phases.contains("restart-empty")) {
				restart(redis, false);
			}
			if (this.options.phases.contains("restart-aof")) {
				restart(redis, true);
			}
			if (this.options.phases.contains("big-node")) {
				bigNode(redis, resources, jsonMapper);
			}
		}
		finally {
			if (churn != null) {
				churn.cancel(false);
			}
			if (sampler != null) {
				sampler.cancel(false);
			}
			this.nodes.parallelStream().forEach(ScaleNode::close);
			this.clock.shutdownNow();
			redis.close();
			resources.shutdown(0, 2, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
		}
		this.out.println(this.result.failures.isEmpty() ? "cluster-scale: done"
				: "cluster-scale: FAILED " + this.result.failures);
		return this.result;
	}

	private void steady(ScaleRedis redis, long emptyMemory, long heapBefore) throws Exception {
		await(Duration.ofSeconds(this.options.warmupSeconds));
		int n = this.nodes.size();
		Map<String, CommandStat> statsBefore = redis.commandStats();
		Map<String, String> before = redis.info("everything");
		double sentBefore = this.nodes.stream().mapToDouble(ScaleNode::commandsSent).sum();
		double registrationsBefore = sum("heartbeat.cluster.registrations");
		double failedBefore = sum("heartbeat.cluster.lease.renewals.failed");
		resetGaps();
		redis.slowlogFrom(5000);
		long from = System.nanoTime();
		await(Duration.ofSeconds(this.options.steadySeconds));
		double window = (System.nanoTime() - from) / 1e9;
		Map<String, String> after = redis.info("everything");
		Map<String, CommandStat> statsAfter = redis.commandStats();
		double[] gaps = this.gapMax.clone();
		double sent = this.nodes.stream().mapToDouble(ScaleNode::commandsSent).sum() - sentBefore;

		long calls = 0;
		long usec = 0;
		Map<String, CommandStat> byCommand = new LinkedHashMap<>();
		for (Map.Entry<String, CommandStat> stat : statsAfter.entrySet()) {
			if (Set.of("info", "ping", "config", "slowlog").contains(stat.getKey().split("\\|")[0])) {
				continue; // the harness's own
			}
			CommandStat delta = stat.getValue().minus(statsBefore.get(stat.getKey()));
			if (delta.calls() > 0) {
				byCommand.put(stat.getKey(), delta);
				if (!stat.getKey().startsWith("eval")) {
					calls += delta.calls(); // a script's own call is counted by the commands it ran
				}
				usec += stat.getKey().startsWith("eval") ? delta.usec() : 0;
			}
		}
		long bytesOut = delta(before, after, "total_net_output_bytes");
		long bytesIn = delta(before, after, "total_net_input_bytes");
		double cpu = deltaDouble(before, after, "used_cpu_sys") + deltaDouble(before, after, "used_cpu_user");
		long memory = Long.parseLong(after.get("used_memory"));
		int sessions = this.nodes.stream().mapToInt((node) -> node.sessions.count()).sum();
		long heap = ScaleJvm.heapAfterGc();

		Steady steady = new Steady(n, this.options.sessions, window, sent / window, calls / window, bytesOut / window,
				bytesIn / window, usec / window / 1e6, cpu / window, memory, (memory - emptyMemory) / (double) sessions,
				(heap - heapBefore) / (double) n, Arrays.stream(gaps).max().orElse(0));
		this.result.steady = steady;
		this.out.printf(Locale.ROOT, "%nsteady, %.0f s window after %d s of warm-up, %d nodes x %d sessions "
				+ "(machine shared; load %s):%n", window, this.options.warmupSeconds, n, this.options.sessions, ScaleJvm.loadAverage());
		this.out.printf(Locale.ROOT, "  commands sent by the nodes:    %8.1f /s  %6.2f /s per node (a script counts one)%n",
				steady.sentPerSecond, steady.sentPerSecond / n);
		this.out.printf(Locale.ROOT, "  commands Redis ran:            %8.1f /s  %6.2f /s per node (inside scripts; commandstats)%n",
				steady.commandsPerSecond, steady.commandsPerSecond / n);
		byCommand.forEach((name, stat) -> this.out.printf(Locale.ROOT, "    %-10s %8.1f /s  %7.1f us per call%n", name,
				stat.calls() / window, stat.calls() > 0 ? stat.usec() / (double) stat.calls() : 0));
		this.out.printf(Locale.ROOT, "  bytes out of Redis:            %8.0f B/s %6.0f B/s per node%n", steady.bytesOutPerSecond,
				steady.bytesOutPerSecond / n);
		this.out.printf(Locale.ROOT, "  bytes into Redis:              %8.0f B/s %6.0f B/s per node%n", steady.bytesInPerSecond,
				steady.bytesInPerSecond / n);
		this.out.printf(Locale.ROOT, "  Redis time in scripts:         %8.2f %% of a core; Redis CPU (user+sys) %.2f %% of a core%n",
				100 * steady.scriptSeconds, 100 * steady.redisCpu);
		this.out.printf(Locale.ROOT, "  Redis used_memory:             %8.1f MB, %.0f B per session (%d sessions, less the empty server's)%n",
				memory / 1e6, steady.memoryPerSession, sessions);
		this.out.printf(Locale.ROOT, "  heap per node after a full GC: %8.2f MB (heap with the nodes less before them, / %d; "
				+ "its own %d sessions included)%n", steady.heapPerNode / 1e6, n, this.options.sessions);
		this.out.printf(Locale.ROOT, "  renewal gap max per node, ms:  %s%n", gapsLine(gaps));
		this.out.printf(Locale.ROOT, "  Redis's slowest commands (SLOWLOG, 5 ms or more): %s%n", redis.slowest(5));
		this.out.printf(Locale.ROOT, "  registrations %.0f, failed renewals %.0f in the window%n",
				sum("heartbeat.cluster.registrations") - registrationsBefore,
				sum("heartbeat.cluster.lease.renewals.failed") - failedBefore);
		this.out.println("  cluster classes on the heap (live objects, all nodes together):");
		ScaleJvm.clusterClasses().forEach((line) -> this.out.println("    " + line));
		if (steady.gapMax >= 1500) {
			this.result.failures.add("steady renewal gap " + steady.gapMax + " ms");
		}
	}

	private void restart(ScaleRedis redis, boolean withData) throws Exception {
		String name = withData ? "restart-aof" : "restart-empty";
		double registrationsBefore = sum("heartbeat.cluster.registrations");
		double lostBefore = sum("heartbeat.cluster.nodes.lost");
		if (withData) {
			redis.persistEverything();
		}
		redis.kill();
		if (!withData) {
			redis.forgetData();
		}
		Duration down = LEASE.multipliedBy(3);
		await(down);
		redis.startAgain(withData);
		long back = System.nanoTime();
		Duration whole = this.views.untilWhole(back);
		double registrations = sum("heartbeat.cluster.registrations") - registrationsBefore;
		double lost = sum("heartbeat.cluster.nodes.lost") - lostBefore;
		this.out.printf(Locale.ROOT, "%n%s: Redis killed (SIGKILL)%s, down %d s (three leases), started again %s:%n",
				name, withData ? " once its append-only file held everything (appendfsync always)" : "",
				down.toSeconds(), withData ? "on its append-only file" : "empty");
		this.out.printf(Locale.ROOT, "  every view whole %.1f s after Redis answered again; %.0f registrations, "
				+ "%.0f nodes judged lost (machine shared; load %s)%n", seconds(whole), registrations, lost, ScaleJvm.loadAverage());
		this.result.restarts.put(name, new Restart(whole, registrations, lost));
		if (withData) {
			redis.command("CONFIG", "SET", "appendonly", "no"); // the next phase measures without persistence
			if (registrations != 0 || lost != 0) {
				this.result.failures.add(name + ": " + registrations + " registrations, " + lost + " lost");
			}
		}
		if (whole.compareTo(Duration.ofSeconds(10)) > 0) {
			this.result.failures.add(name + ": whole after " + whole);
		}
	}

	private void bigNode(ScaleRedis redis, ClientResources resources, JsonMapper jsonMapper) throws Exception {
		// The restarts' gaps (the outage, between two granted renewals) leave the timer's max
		// a few steps later.
		long clear = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (this.nodes.stream().anyMatch((node) -> node.renewalGapMaxMillis() >= 1500) && System.nanoTime() < clear) {
			await(Duration.ofMillis(500));
		}
		resetGaps();
		redis.slowlogFrom(5000);
		int others = this.nodes.size();
		long created = System.nanoTime();
		ScaleNode big = new ScaleNode("big", this.options.bigNode, this.options.view, redis.port(), resources,
				jsonMapper, 4242);
		this.out.printf(Locale.ROOT, "%nbig-node: %d sessions made up in %.1f s%n", this.options.bigNode,
				(System.nanoTime() - created) / 1e9);
		ScaleNode reader = this.nodes.get(0);
		AtomicLong pagesRead = new AtomicLong();
		AtomicInteger fullReads = new AtomicInteger();
		long start = System.nanoTime();
		long until = start + TimeUnit.SECONDS.toNanos(15);
		long gcBefore = ScaleJvm.gcMillis();
		long bytesOutBefore = redis.infoLong("stats", "total_net_output_bytes");
		AtomicLong pingMax = new AtomicLong();
		ScheduledFuture<?> probe = this.clock.scheduleWithFixedDelay(() -> {
			long sent = System.nanoTime();
			try {
				redis.command("PING");
				pingMax.accumulateAndGet(System.nanoTime() - sent, Math::max);
			}
			catch (IOException ex) {
				pingMax.set(Long.MAX_VALUE);
			}
		}, 0, 10, TimeUnit.MILLISECONDS);
		ExecutorService viewer = Executors.newSingleThreadExecutor();
		Future<?> view = viewer.submit(() -> {
			while (System.nanoTime() < until) {
				// At most five reads through it a second: before the node registers, its hash is empty.
				long began = System.nanoTime();
				String position = null;
				do {
					position = reader.view.sessions("big", position, PAGE, java.time.Instant.now()).next();
					pagesRead.incrementAndGet();
				}
				while (position != null && System.nanoTime() < until);
				fullReads.incrementAndGet();
				long spent = System.nanoTime() - began;
				if (spent < TimeUnit.MILLISECONDS.toNanos(200)) {
					await(Duration.ofNanos(TimeUnit.MILLISECONDS.toNanos(200) - spent));
				}
			}
			return null;
		});
		big.start();
		this.nodes.add(big);
		long registered = 0;
		while (System.nanoTime() < until) {
			if (registered == 0 && big.holdsLease()) {
				registered = System.nanoTime();
			}
			await(Duration.ofMillis(50));
		}
		view.get(30, TimeUnit.SECONDS);
		viewer.shutdown();
		probe.cancel(false);
		long gc = ScaleJvm.gcMillis() - gcBefore;
		long bytesOut = redis.infoLong("stats", "total_net_output_bytes") - bytesOutBefore;
		await(ScaleNode.METER_STEP); // the last gaps reach the sampler
		double[] gaps = Arrays.copyOf(this.gapMax, others);
		double worst = Arrays.stream(gaps).max().orElse(0);
		this.result.bigNodeGapMax = worst;
		this.out.printf(Locale.ROOT, "  registered (lease granted) %.2f s after it started; a view on %s read %d pages of %d "
				+ "(%d times through it) meanwhile%n", registered == 0 ? -1 : (registered - start) / 1e9, reader.id,
				pagesRead.get(), PAGE, fullReads.get());
		this.out.printf(Locale.ROOT, "  bytes out of Redis meanwhile: %.1f MB, %.0f KB per page read (the renewals' and "
				+ "announcements' answers included)%n", bytesOut / 1e6, bytesOut / 1e3 / Math.max(1, pagesRead.get()));
		this.out.printf(Locale.ROOT, "  the other %d nodes' renewal gap max over those 15 s: %.0f ms (under 1,500 ms wanted; "
				+ "machine shared, load %s)%n", others, worst, ScaleJvm.loadAverage());
		this.out.printf(Locale.ROOT, "    per node, ms: %s%n", gapsLine(gaps));
		this.out.printf(Locale.ROOT, "  Redis's slowest commands meanwhile (SLOWLOG, 5 ms or more): %s%n", redis.slowest(5));
		this.out.printf(Locale.ROOT, "  longest PING round trip (every 10 ms, a socket of its own): %.0f ms; this JVM's GC: %d ms "
				+ "(every node and the harness share it)%n", pingMax.get() / 1e6, gc);
		if (worst >= 1500) {
			this.result.failures.add("big-node: renewal gap " + worst + " ms");
		}
	}

	private void resetGaps() {
		this.gapMax = new double[this.nodes.size() + 1];
	}

	private void sampleGaps() {
		double[] gaps = this.gapMax;
		if (gaps == null) {
			return;
		}
		for (int i = 0; i < Math.min(gaps.length, this.nodes.size()); i++) {
			gaps[i] = Math.max(gaps[i], this.nodes.get(i).renewalGapMaxMillis());
		}
	}

	private double sum(String counter) {
		return this.nodes.stream().mapToDouble((node) -> node.counter(counter)).sum();
	}

	/** Waits on the harness's clock (never in the code measured). */
	private void await(Duration duration) throws InterruptedException, ExecutionException {
		this.clock.schedule(() -> null, duration.toMillis(), TimeUnit.MILLISECONDS).get();
	}

	private static String gapsLine(double[] gaps) {
		double[] sorted = Arrays.stream(gaps).filter((gap) -> gap > 0).sorted().toArray();
		if (sorted.length == 0) {
			return "none recorded";
		}
		return String.format(Locale.ROOT, "min %.0f, median %.0f, max %.0f over %d nodes", sorted[0],
				sorted[sorted.length / 2], sorted[sorted.length - 1], sorted.length);
	}

	private static long delta(Map<String, String> before, Map<String, String> after, String field) {
		return Long.parseLong(after.get(field)) - Long.parseLong(before.get(field));
	}

	private static double deltaDouble(Map<String, String> before, Map<String, String> after, String field) {
		return Double.parseDouble(after.get(field)) - Double.parseDouble(before.get(field));
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	/** What a run is asked to do. */
	record Options(int nodes, int sessions, double churn, int warmupSeconds, int steadySeconds, List<String> phases,
			int bigNode, boolean view) {

		/** Every phase, in the order they run whatever the order asked. */
		static final List<String> ALL = List.of("steady", "restart-empty", "restart-aof", "big-node");

		static Options parse(String... args) {
			Map<String, String> given = new LinkedHashMap<>();
			for (String arg : args) {
				if (!arg.startsWith("--") || !arg.contains("=")) {
					throw new IllegalArgumentException("options are --name=value, not " + arg);
				}
				given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
			Options options = new Options(Integer.parseInt(given.getOrDefault("nodes", "20")),
					Integer.parseInt(given.getOrDefault("sessions", "5000")),
					Double.parseDouble(given.getOrDefault("churn", "0.01")),
					Integer.parseInt(given.getOrDefault("warmup", "10")),
					Integer.parseInt(given.getOrDefault("steady", "60")),
					List.of(given.getOrDefault("phases", String.join(",", ALL)).split(",")),
					Integer.parseInt(given.getOrDefault("big-node", "50000")),
					Boolean.parseBoolean(given.getOrDefault("view", "false")));
			given.keySet()
				.stream()
				.filter((name) -> !Set.of("nodes", "sessions", "churn", "warmup", "steady", "phases", "big-node", "view")
					.contains(name))
				.findFirst()
				.ifPresent((name) -> {
					throw new IllegalArgumentException("unknown option --" + name);
				});
			if (!ALL.containsAll(options.phases)) {
				throw new IllegalArgumentException("phases are " + ALL + ", not " + options.phases);
			}
			return options;
		}

	}

	/** The steady window's figures; rates per second, bytes, a share of one core for CPU. */
	record Steady(int nodes, int sessionsPerNode, double windowSeconds, double sentPerSecond, double commandsPerSecond,
			double bytesOutPerSecond, double bytesInPerSecond, double scriptSeconds, double redisCpu, long usedMemory,
			double memoryPerSession, double heapPerNode, double gapMax) {
	}

	/** How long until every view was whole after a restart, and what the nodes did meanwhile. */
	record Restart(Duration whole, double registrations, double lost) {
	}

	/** What a run measured, and what went wrong. */
	static final class Result {

		Steady steady;

		final Map<String, Restart> restarts = new LinkedHashMap<>();

		double bigNodeGapMax = -1;

		final List<String> failures = new ArrayList<>();

	}

}

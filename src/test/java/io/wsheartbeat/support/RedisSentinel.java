package io.wsheartbeat.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.wsheartbeat.bench.Resp;

import static org.awaitility.Awaitility.await;

/**
 * Redis with Sentinel on loopback, from Debian's packages: a master and one replica
 * ({@code redis-server}) and three sentinels ({@code redis-sentinel}, a quorum of two), each on a
 * free port, without persistence, in a temporary directory. Sentinel's timings are the test's:
 * with {@code down-after-milliseconds} of a second or two a failover completes in a few
 * seconds, where Sentinel's defaults (30 s, and a 3 min failover timeout) take a minute.
 *
 * <p>It asks the servers and sentinels what the test needs over a plain RESP socket, as
 * {@link RedisServer} does, so that watching a failover adds no Redis client of its own.
 */
public final class RedisSentinel implements AutoCloseable {

	/** The name the sentinels monitor the master by: {@code spring.data.redis.sentinel.master}. */
	public static final String MASTER_NAME = "heartbeat";

	private static final Path SERVER = Path.of("/usr/bin/redis-server");

	private static final Path SENTINEL = Path.of("/usr/bin/redis-sentinel");

	/** Processes starting, replication and the sentinels finding each other, on two busy cores. */
	private static final Duration READY = Duration.ofSeconds(60);

	private final Path directory;

	private final List<Integer> sentinelPorts = new ArrayList<>();

	/** Every process started, by its port, so that {@link #close} leaves none behind. */
	private final Map<Integer, Process> processes = new HashMap<>();

	private final int firstMaster;

	private final int firstReplica;

	private RedisSentinel(Path directory, int master, int replica) {
		this.directory = directory;
		this.firstMaster = master;
		this.firstReplica = replica;
	}

	/**
	 * Whether redis-server and redis-sentinel can run here; where they cannot, the tests that
	 * need them are skipped, except under {@code CI=true}, where {@code .ci/run} installs them.
	 */
	public static void assumeInstalled() {
		Prerequisites.require(Files.isExecutable(SERVER) && Files.isExecutable(SENTINEL), "redis-server and redis-sentinel "
				+ "are not both installed at " + SERVER + " and " + SENTINEL + " (apt-get install -y redis-server redis-sentinel)");
	}

	/**
	 * Starts the master, its replica and three sentinels, and returns once the replica is in
	 * sync and every sentinel knows the replica and the two other sentinels: from then on, a
	 * master that fails is replaced.
	 * @param downAfter Sentinel's {@code down-after-milliseconds}: silent this long, the master is down
	 * @param failoverTimeout Sentinel's {@code failover-timeout}: how long one failover attempt may take
	 */
	public static RedisSentinel start(Duration downAfter, Duration failoverTimeout) throws IOException {
		RedisSentinel redis = new RedisSentinel(Files.createTempDirectory("heartbeat-sentinel-"), Nginx.freePort(),
				Nginx.freePort());
		try {
			redis.startAll(downAfter, failoverTimeout);
		}
		catch (IOException | RuntimeException | Error ex) {
			redis.close();
			throw ex;
		}
		return redis;
	}

	private void startAll(Duration downAfter, Duration failoverTimeout) throws IOException {
		startServer(this.firstMaster);
		startServer(this.firstReplica, "--replicaof", "127.0.0.1", String.valueOf(this.firstMaster));
		await("the replica in sync with the master").atMost(READY)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> info(this.firstReplica, "replication").get("master_link_status"), "up"::equals);
		for (int i = 0; i < 3; i++) {
			int port = Nginx.freePort();
			Path config = this.directory.resolve("sentinel-" + port + ".conf");
			// Sentinel rewrites its configuration file as it learns the topology: it must be its own.
			Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "daemonize no",
					"dir " + this.directory, "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + this.firstMaster + " 2",
					"sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis(),
					"sentinel failover-timeout " + MASTER_NAME + " " + failoverTimeout.toMillis(), ""));
			start(port, SENTINEL.toString(), config.toString());
			this.sentinelPorts.add(port);
		}
		// A sentinel learns the replica from the master's INFO and the other sentinels from their
		// hellos on the master, every 2 s: without both, no quorum and no replica to promote.
		await("every sentinel knows the replica and the two other sentinels").atMost(READY)
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> {
				for (int port : this.sentinelPorts) {
					Map<String, String> master = sentinelMaster(port);
					if (!"1".equals(master.get("num-slaves")) || !"2".equals(master.get("num-other-sentinels"))) {
						return false;
					}
				}
				return true;
			});
	}

	/** {@code spring.data.redis.sentinel.nodes}: every sentinel, as {@code host:port} separated by commas. */
	public String sentinelNodes() {
		return this.sentinelPorts.stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	/** The port of the master as the first sentinel that answers names it now. */
	public int masterPort() throws IOException {
		IOException last = null;
		for (int port : this.sentinelPorts) {
			try {
				return masterPortBy(port);
			}
			catch (IOException ex) {
				last = ex;
			}
		}
		throw last;
	}

	/**
	 * SIGKILL to the master: gone at once, with no last word to its replica or the sentinels.
	 * @return its port
	 */
	public int killMaster() throws IOException, InterruptedException {
		int master = masterPort();
		Process process = this.processes.get(master);
		process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		return master;
	}

	/**
	 * Waits until every sentinel names another master than {@code old}, and that master says it is
	 * one: the promotion is over, and a client that asks any sentinel is sent to the new master.
	 * @return the new master's port
	 */
	public int awaitPromotion(int old, Duration atMost) {
		return await("every sentinel names a new master, which answers as one").atMost(atMost)
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> {
				List<Integer> named = new ArrayList<>();
				for (int port : this.sentinelPorts) {
					named.add(masterPortBy(port));
				}
				int next = named.get(0);
				boolean promoted = next != old && named.stream().allMatch((port) -> port == next)
						&& "master".equals(info(next, "replication").get("role"));
				return promoted ? next : null;
			}, (port) -> port != null);
	}

	/** A sentinel's answer to {@code SENTINEL get-master-addr-by-name}, its port. */
	private static int masterPortBy(int sentinel) throws IOException {
		if (command(sentinel, "SENTINEL", "get-master-addr-by-name", MASTER_NAME) instanceof List<?> address
				&& address.size() == 2) {
			return Integer.parseInt((String) address.get(1));
		}
		throw new IOException("sentinel on port " + sentinel + " knows no master " + MASTER_NAME);
	}

	/** {@code SENTINEL master <name>}: the sentinel's state of the master, field by field. */
	private static Map<String, String> sentinelMaster(int sentinel) throws IOException {
		List<?> fields = (List<?>) command(sentinel, "SENTINEL", "master", MASTER_NAME);
		Map<String, String> master = new HashMap<>();
		for (int i = 0; i + 1 < fields.size(); i += 2) {
			master.put((String) fields.get(i), (String) fields.get(i + 1));
		}
		return master;
	}

	/** One section of a server's {@code INFO}, field by field. */
	public static Map<String, String> info(int port, String section) throws IOException {
		Map<String, String> fields = new HashMap<>();
		for (String line : ((String) command(port, "INFO", section)).split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1));
			}
		}
		return fields;
	}

	private void startServer(int port, String... more) throws IOException {
		List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--port", String.valueOf(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.directory.toString(), "--dbfilename",
				"dump-" + port + ".rdb"));
		command.addAll(List.of(more));
		start(port, command.toArray(String[]::new));
	}

	/** Starts one process, its output in a log of its own, and waits until it answers PING. */
	private void start(int port, String... argv) throws IOException {
		Path log = this.directory.resolve("redis-" + port + ".log");
		Process process = new ProcessBuilder(argv).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		this.processes.put(port, process);
		await().atMost(READY).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (!process.isAlive()) {
				throw new IllegalStateException(String.join(" ", argv) + " exited: " + Files.readString(log));
			}
			try {
				return "PONG".equals(command(port, "PING"));
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/**
	 * Sends one command and reads its reply: a simple, integer or bulk string as a
	 * {@code String}, an array as a {@code List}, a null reply as {@code null}.
	 * @throws IOException if Redis answered with an error, or could not be reached
	 */
	public static Object command(int port, String... args) throws IOException {
		return Resp.command(port, Duration.ofSeconds(5), args);
	}

	/** Kills every process it started (SIGKILL: nothing here is worth a clean stop) and deletes its directory. */
	@Override
	public void close() {
		for (Process process : this.processes.values()) {
			try {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String toString() {
		return "Sentinel " + MASTER_NAME + " (master " + this.firstMaster + ", replica " + this.firstReplica + ", sentinels "
				+ this.sentinelPorts + ")";
	}

}

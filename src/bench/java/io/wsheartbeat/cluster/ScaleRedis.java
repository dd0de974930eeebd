package io.wsheartbeat.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import io.wsheartbeat.bench.Resp;

/**
 * The redis-server the scale harness measures: started by it on a free loopback port, in a
 * directory of its own that it keeps across restarts (so that a restart with the append-only
 * file finds it), killed with SIGKILL, and asked {@code INFO} over a plain socket, so that
 * reading the figures adds no client of Lettuce's. (The tests' {@code support.RedisServer} does
 * the same for them; benchmark code does not depend on test classes.)
 */
final class ScaleRedis implements AutoCloseable {

	static final Path BINARY = Path.of("/usr/bin/redis-server");

	private final int port;

	private final Path directory;

	private Process process;

	private ScaleRedis(int port, Path directory) {
		this.port = port;
		this.directory = directory;
	}

	/** Starts it empty, without persistence. */
	static ScaleRedis start() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		ScaleRedis redis = new ScaleRedis(port, Files.createTempDirectory("cluster-scale-redis-"));
		redis.startAgain(false);
		return redis;
	}

	int port() {
		return this.port;
	}

	/**
	 * Starts it (again) on its port and waits until it answers PING.
	 * @param appendOnly with {@code appendonly yes}: it loads the append-only file it finds in
	 * its directory, and keeps writing it; else no persistence at all
	 */
	void startAgain(boolean appendOnly) throws IOException {
		this.process = new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", appendOnly ? "yes" : "no", "--dir", this.directory.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis.log").toFile()))
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!answers()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited: " + Files.readString(this.directory.resolve("redis.log")));
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("redis-server did not answer within 30 s");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the poll interval
		}
	}

	/** SIGKILL: gone at once, keeping only what it had written to disk. */
	void kill() throws InterruptedException {
		if (this.process != null) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			this.process = null;
		}
	}

	/** Removes its files but the log: the next start without persistence comes back empty anyway. */
	void forgetData() throws IOException {
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder())
				.filter((file) -> !file.equals(this.directory) && !file.getFileName().toString().equals("redis.log"))
				.map(Path::toFile)
				.forEach(File::delete);
		}
	}

	/**
	 * Switches the append-only file on at run time, which writes the whole dataset to it, and
	 * fsyncs every write from then on; returns once the file holds everything, so that a
	 * SIGKILL next loses nothing.
	 */
	void persistEverything() throws IOException {
		command("CONFIG", "SET", "appendfsync", "always");
		command("CONFIG", "SET", "appendonly", "yes");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			Map<String, String> persistence = info("persistence");
			if ("1".equals(persistence.get("aof_enabled")) && "0".equals(persistence.get("aof_rewrite_in_progress"))
					&& "0".equals(persistence.get("aof_rewrite_scheduled"))
					&& "ok".equals(persistence.get("aof_last_bgrewrite_status"))) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the append-only file was not written within 60 s: " + persistence);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the poll interval
		}
	}

	/** One section of {@code INFO}, field by field. */
	Map<String, String> info(String section) throws IOException {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : command("INFO", section).split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1));
			}
		}
		return fields;
	}

	long infoLong(String section, String field) throws IOException {
		return Long.parseLong(info(section).get(field));
	}

	double infoDouble(String section, String field) throws IOException {
		return Double.parseDouble(info(section).get(field));
	}

	/** Calls and microseconds per command since the start, from {@code INFO commandstats}. */
	Map<String, CommandStat> commandStats() throws IOException {
		Map<String, CommandStat> stats = new LinkedHashMap<>();
		info("commandstats").forEach((name, value) -> {
			if (name.startsWith("cmdstat_")) {
				stats.put(name.substring("cmdstat_".length()), new CommandStat(field(value, "calls"), field(value, "usec")));
			}
		});
		return stats;
	}

	private static long field(String value, String name) {
		for (String part : value.split(",")) {
			if (part.startsWith(name + "=")) {
				return Long.parseLong(part.substring(name.length() + 1));
			}
		}
		return 0;
	}

	/** A command's count, and the time Redis spent in it (scripts' include the commands they ran). */
	record CommandStat(long calls, long usec) {

		CommandStat minus(CommandStat earlier) {
			return (earlier != null) ? new CommandStat(this.calls - earlier.calls, this.usec - earlier.usec) : this;
		}

	}

	private boolean answers() {
		try {
			return "PONG".equals(command("PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Sends one command and reads a simple, integer or bulk string reply. */
	String command(String... args) throws IOException {
		Object reply = reply(args);
		if (reply instanceof List<?>) {
			throw new IOException("Redis answered an array to " + args[0]);
		}
		return (String) reply;
	}

	/**
	 * The slowest commands Redis ran since {@link #slowlogFrom} (its SLOWLOG, of those that
	 * took at least the threshold given there), slowest first: microseconds and the command's name.
	 */
	List<String> slowest(int count) throws IOException {
		List<long[]> entries = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (Object entry : (List<?>) reply("SLOWLOG", "GET", "128")) {
			List<?> fields = (List<?>) entry;
			List<?> arguments = (List<?>) fields.get(3);
			entries.add(new long[] { Long.parseLong((String) fields.get(2)), names.size() });
			String name = arguments.isEmpty() ? "?" : ((String) arguments.get(0)).toLowerCase(java.util.Locale.ROOT);
			// SLOWLOG keeps 32 arguments at most.
			names.add(name + ((arguments.size() < 32) ? " (" + arguments.size() + " arguments)" : ""));
		}
		entries.sort((a, b) -> Long.compare(b[0], a[0]));
		List<String> slowest = new ArrayList<>();
		for (int i = 0; i < Math.min(count, entries.size()); i++) {
			slowest.add(String.format(java.util.Locale.ROOT, "%.1f ms %s", entries.get(i)[0] / 1000.0,
					names.get((int) entries.get(i)[1])));
		}
		return slowest;
	}

	/** Keeps every command that takes {@code micros} or more in SLOWLOG, from now on. */
	void slowlogFrom(long micros) throws IOException {
		command("CONFIG", "SET", "slowlog-log-slower-than", String.valueOf(micros));
		command("CONFIG", "SET", "slowlog-max-len", "128");
		command("SLOWLOG", "RESET");
	}

	private Object reply(String... args) throws IOException {
		return Resp.command(this.port, Duration.ofSeconds(10), args);
	}

	@Override
	public void close() throws InterruptedException {
		kill();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

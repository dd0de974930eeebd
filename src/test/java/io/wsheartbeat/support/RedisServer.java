package io.wsheartbeat.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.wsheartbeat.bench.Resp;

import static org.awaitility.Awaitility.await;

/**
 * Debian's redis-server for the cluster's tests: on a free loopback port, killed and started
 * again on the same port by the test; by default without persistence (so a restart comes back
 * empty, as a Redis without persistence does), or with its append-only file, which a restart
 * reloads from the same directory ({@link #startAppendOnly()}). It talks RESP over a plain
 * socket for what the tests ask it ({@code INFO commandstats}, {@code KEYS}, {@code CLIENT PAUSE}),
 * so that asking adds no client of its own.
 */
public final class RedisServer implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/bin/redis-server");

	private final int port;

	private final Path directory;

	private final boolean appendOnly;

	private Process process;

	private RedisServer(int port, Path directory, boolean appendOnly) {
		this.port = port;
		this.directory = directory;
		this.appendOnly = appendOnly;
	}

	/**
	 * Whether redis-server can run here; where it cannot, the tests that need it are skipped,
	 * except under {@code CI=true}, where {@code .ci/run} installs it and they must run.
	 */
	public static void assumeInstalled() {
		Prerequisites.require(Files.isExecutable(BINARY),
				"redis-server is not installed at " + BINARY + " (apt-get install -y redis-server)");
	}

	/** A Redis without persistence: started again, it is empty. */
	public static RedisServer start() throws IOException {
		return start(false);
	}

	/**
	 * A Redis with {@code appendonly yes} (fsync every second, Redis's default): every write
	 * reaches its append-only file before the reply, so even killed it keeps its data, and started
	 * again it reloads them, keys' expiry times included, as a production Redis restarted with AOF.
	 */
	public static RedisServer startAppendOnly() throws IOException {
		return start(true);
	}

	private static RedisServer start(boolean appendOnly) throws IOException {
		RedisServer redis = new RedisServer(Nginx.freePort(), Files.createTempDirectory("heartbeat-redis-"), appendOnly);
		redis.startAgain();
		return redis;
	}

	public int port() {
		return this.port;
	}

	/**
	 * Starts it (again) on its port, and waits until it answers: empty, or with an append-only
	 * file with what it held when it stopped, from the same directory.
	 */
	public void startAgain() throws IOException {
		this.process = new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", this.appendOnly ? "yes" : "no", "--dir", this.directory.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis.log").toFile()))
			.start();
		Process started = this.process;
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (!started.isAlive()) {
				throw new IllegalStateException("redis-server exited: " + Files.readString(this.directory.resolve("redis.log")));
			}
			return answers();
		});
	}

	public boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** SIGKILL: gone at once, with everything it held. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
	}

	/** SIGSTOP: frozen, its connections open, nothing answered; its clients time out, not fail at once. */
	public void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** SIGCONT: it goes on with what its clients sent meanwhile. */
	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(this.process.pid())).inheritIO().start();
		if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
			throw new IllegalStateException("kill -" + name + " " + this.process.pid() + " failed");
		}
	}

	/** The keys that match a glob pattern ({@code KEYS}: for a test's small Redis only). */
	public List<String> keys(String pattern) throws IOException {
		return commandList("KEYS", pattern);
	}

	/** Calls per command since it started, from {@code INFO commandstats}, without the INFO calls that read them. */
	public Map<String, Long> commandCalls() throws IOException {
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String line : command("INFO", "commandstats").split("\r\n")) {
			if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String counted = line.substring(line.indexOf("calls=") + "calls=".length());
				calls.put(name, Long.parseLong(counted.substring(0, counted.indexOf(','))));
			}
		}
		return calls;
	}

	/** Every command's calls added up. */
	public long totalCalls() throws IOException {
		return commandCalls().values().stream().mapToLong(Long::longValue).sum();
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
	public String command(String... args) throws IOException {
		Object reply = Resp.command(this.port, Duration.ofSeconds(5), args);
		if (reply instanceof List<?>) {
			throw new IOException("Redis answered an array to " + args[0] + " where a string was expected");
		}
		return (String) reply;
	}

	/** Sends one command and reads an array reply of strings (nested arrays are not read). */
	public List<String> commandList(String... args) throws IOException {
		if (!(Resp.command(this.port, Duration.ofSeconds(5), args) instanceof List<?> reply)) {
			throw new IOException("Redis answered no array to " + args[0]);
		}
		return reply.stream().map((item) -> (item instanceof String text) ? text : null).toList();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process != null) {
			kill();
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package io.wsheartbeat.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Debian's redis-server for the cluster's tests: on a free loopback port, without persistence
 * (so a restart comes back empty, as a Redis without persistence does), killed and started
 * again on the same port by the test. It talks RESP over a plain socket for what the tests ask
 * it ({@code INFO commandstats}), so that counting commands adds no client of its own.
 */
public final class RedisServer implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/bin/redis-server");

	private final int port;

	private final Path directory;

	private Process process;

	private RedisServer(int port, Path directory) {
		this.port = port;
		this.directory = directory;
	}

	/**
	 * Whether redis-server can run here; where it cannot, the tests that need it are skipped,
	 * except under {@code CI=true}, where {@code .ci/run} installs it and they must run.
	 */
	public static void assumeInstalled() {
		Prerequisites.require(Files.isExecutable(BINARY),
				"redis-server is not installed at " + BINARY + " (apt-get install -y redis-server)");
	}

	public static RedisServer start() throws IOException {
		RedisServer redis = new RedisServer(Nginx.freePort(), Files.createTempDirectory("heartbeat-redis-"));
		redis.startAgain();
		return redis;
	}

	public int port() {
		return this.port;
	}

	/** Starts it (again) on its port, empty, and waits until it answers. */
	public void startAgain() throws IOException {
		this.process = new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--dir", this.directory.toString())
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

	/** SIGKILL: gone at once, with everything it held. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			String first = line(in);
			switch (first.charAt(0)) {
				case '+', ':' -> {
					return first.substring(1);
				}
				case '$' -> {
					int length = Integer.parseInt(first.substring(1));
					return (length < 0) ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
				}
				default -> throw new IOException("Redis answered " + first);
			}
		}
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\r') {
			if (b < 0) {
				throw new IOException("connection closed");
			}
			line.write(b);
		}
		in.read(); // '\n'
		return line.toString(StandardCharsets.UTF_8);
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

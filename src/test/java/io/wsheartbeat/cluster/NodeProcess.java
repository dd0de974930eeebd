package io.wsheartbeat.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.HeartbeatApplication;
import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.RedisSentinel;

/**
 * One node of a test cluster as a process of its own, started from the test's class path as
 * {@code RestartTests} starts its server (so it runs in {@code ./mvnw verify} before the jar is
 * packaged), with cluster mode and the view on, on loopback. Its output goes to a log file the
 * test reads and deletes. Public for the tests outside this package that need a cluster: the
 * demo's node stop, and the browser's view of it.
 */
public final class NodeProcess implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String id;

	private final int port;

	private final Path log;

	private final Process process;

	private NodeProcess(String id, int port, Path log, Process process) {
		this.id = id;
		this.port = port;
		this.log = log;
		this.process = process;
	}

	/**
	 * Starts a node; {@link #hasJoined} says when it is in. Idle test clients must not be reaped
	 * or pinged, thousands come from one address, and small connection buffers (heartbeat frames
	 * are far smaller) keep thousands of them within the heap.
	 */
	public static NodeProcess start(String id, int redisPort, String... more) throws IOException {
		return launch(id, List.of("--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort), more);
	}

	/** Starts a node that finds its Redis through {@code sentinel}, as {@link #start(String, int, String...)} does otherwise. */
	public static NodeProcess startOnSentinel(String id, RedisSentinel sentinel, String... more) throws IOException {
		return launch(id, List.of("--spring.data.redis.sentinel.master=" + RedisSentinel.MASTER_NAME,
				"--spring.data.redis.sentinel.nodes=" + sentinel.sentinelNodes()), more);
	}

	private static NodeProcess launch(String id, List<String> redis, String... more) throws IOException {
		int port = Nginx.freePort();
		Path log = Files.createTempFile("heartbeat-" + id + "-", ".log");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				HeartbeatApplication.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--heartbeat.cluster.enabled=true", "--heartbeat.cluster.node-id=" + id,
				"--heartbeat.view.enabled=true", "--heartbeat.view.max-closed=1000", "--heartbeat.server-timeout=10m",
				"--heartbeat.server-ping-interval=0", "--heartbeat.max-sessions-per-address=10000",
				"--heartbeat.connection-buffer-size=1KB"));
		command.addAll(redis);
		// Stopped all at once unless a test asks for a drain: a test that stops nodes to see
		// something else need not wait one out.
		if (Arrays.stream(more).noneMatch((arg) -> arg.startsWith("--heartbeat.shutdown.drain="))) {
			command.add("--heartbeat.shutdown.drain=0");
		}
		command.addAll(List.of(more));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new NodeProcess(id, port, log, process);
	}

	public String id() {
		return this.id;
	}

	public int port() {
		return this.port;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Whether it is up and reaches Redis: its own view of the cluster says so. */
	public boolean hasJoined() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("node " + this.id + " exited:\n" + log());
		}
		try {
			HttpResponse<String> cluster = get("/api/cluster");
			return cluster.statusCode() == 200 && json.readTree(cluster.body()).path("redisReachable").asBoolean();
		}
		catch (IOException ex) {
			return false;
		}
	}

	public HttpResponse<String> get(String path) throws IOException {
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	public JsonNode getJson(String path) {
		try {
			return json.readTree(get(path).body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The ids of the open sessions this node lists: its own, and every other live node's, page by
	 * page as the {@code Link} header leads (100 pages at most).
	 */
	public Set<String> listedSessions() {
		return listedSessionsAtMost(100);
	}

	/** {@link #listedSessions()}, over {@code pages} pages at most. */
	public Set<String> listedSessionsAtMost(int pages) {
		Set<String> ids = new java.util.HashSet<>();
		String path = "/api/sessions";
		try {
			for (int read = 0; path != null && read < pages; read++) {
				HttpResponse<String> page = get(path);
				stream(json.readTree(page.body())).forEach((session) -> ids.add(session.path("id").asString()));
				path = page.headers()
					.firstValue("Link")
					.map((link) -> link.substring(link.indexOf('<') + 1, link.indexOf('>')))
					.orElse(null);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return ids;
	}

	/** The first push of its sessions stream: the view with the recently closed sessions. */
	public JsonNode view() throws IOException {
		try {
			HttpResponse<InputStream> response = http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/sessions/stream"))
						.timeout(Duration.ofSeconds(5))
						.build(),
					HttpResponse.BodyHandlers.ofInputStream());
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				for (int i = 0; i < 20; i++) {
					String line = lines.readLine();
					if (line == null) {
						break;
					}
					if (line.startsWith("data:")) {
						return json.readTree(line.substring("data:".length()));
					}
				}
			}
			throw new IOException("no view in the stream of node " + this.id);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** Heartbeats this node acknowledged since it started. */
	public long acks() {
		return getJson("/actuator/metrics/heartbeat.acks").path("measurements").path(0).path("value").asLong();
	}

	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** How its process ended, or empty while it runs. */
	public OptionalInt exitStatus() {
		return this.process.isAlive() ? OptionalInt.empty() : OptionalInt.of(this.process.exitValue());
	}

	/** SIGSTOP: frozen, its sockets open, no FIN to anyone. */
	public void freeze() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** SIGCONT. */
	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	/** SIGTERM, without waiting: a graceful stop (readiness, the drain, leaving the cluster) begins. */
	public void terminate() throws IOException, InterruptedException {
		signal("TERM");
	}

	/** SIGKILL: gone without a word. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(this.process.pid())).inheritIO().start();
		if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
			throw new IllegalStateException("kill -" + name + " " + this.process.pid() + " failed");
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		if (this.process.isAlive()) {
			signal("CONT"); // a frozen process cannot act on SIGTERM
			this.process.destroy();
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		Files.deleteIfExists(this.log);
	}

	@Override
	public String toString() {
		return this.id + " (port " + this.port + ")";
	}

	public static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
		List<JsonNode> items = new ArrayList<>();
		array.forEach(items::add);
		return items.stream();
	}

}

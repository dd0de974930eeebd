package io.wsheartbeat.cluster;

import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.support.Nginx;
import io.wsheartbeat.support.RedisServer;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code src/cluster/run} as a person runs it, from the jar {@code package} built (so it runs in
 * {@code verify}, through the failsafe plugin): on free ports given by its environment
 * variables, it says "Ready" once redis-server, three nodes and nginx are up; the page and
 * {@code /api/cluster} answer through nginx, and a WebSocket through nginx is welcomed by a
 * node; Ctrl-C (SIGINT to the script alone) stops every process it started and frees every port.
 *
 * <p>Tagged {@code soak}: it starts three JVMs, as {@code ClusterTests} already does in every
 * build.
 */
@Tag("soak")
class ClusterScriptIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final Path SCRIPT = Path.of("src/cluster/run");

	private static final Path JAR = Path.of("target/websocket-heartbeat-0.1.0-SNAPSHOT.jar");

	/** The script's own wait for the nodes to join (JOIN_SECONDS), and 30 s for Redis and nginx. */
	private static final Duration READY = Duration.ofSeconds(180 + 30);

	/** The script's bound for each node's graceful stop (STOP_SECONDS), and 10 s each for nginx and Redis. */
	private static final Duration STOPPED = Duration.ofSeconds(20 + 10 + 10);

	@Test
	void startsRedisThreeNodesAndNginxSaysReadyAndStopsThemAllOnCtrlC() throws Exception {
		Nginx.assumeInstalled();
		RedisServer.assumeInstalled();
		assertThat(JAR).as("the jar the package phase builds").exists();
		List<Integer> ports = freePorts(5);
		int clusterPort = ports.get(0);
		List<Integer> nodePorts = ports.subList(1, 4);
		int redisPort = ports.get(4);

		ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true);
		Map<String, String> environment = builder.environment();
		environment.put("CLUSTER_PORT", String.valueOf(clusterPort));
		environment.put("NODE_PORTS", nodePorts.stream().map(String::valueOf).collect(Collectors.joining(" ")));
		environment.put("REDIS_PORT", String.valueOf(redisPort));
		// The nodes run on the JVM the tests run on.
		environment.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + environment.get("PATH"));
		Process script = builder.start();
		StringBuffer output = new StringBuffer();
		Thread reader = readInto(script, output);
		Set<ProcessHandle> started = new LinkedHashSet<>();
		try {
			await("the script says ready").atMost(READY).pollInterval(Duration.ofMillis(250)).until(() -> {
				script.descendants().forEach(started::add);
				if (!script.isAlive()) {
					throw new IllegalStateException("src/cluster/run exited with " + script.exitValue() + ":\n" + output);
				}
				return output.toString().contains("Ready: http://localhost:" + clusterPort);
			});
			script.descendants().forEach(started::add);

			HttpResponse<String> page = get(clusterPort, "/?lang=en");
			assertThat(page.statusCode()).as("the page through nginx").isEqualTo(200);
			assertThat(page.body()).as("the demo's page in cluster mode").contains("id=\"node\"", "id=\"sessions-nodes\"");
			JsonNode cluster = json.readTree(get(clusterPort, "/api/cluster").body());
			assertThat(NodeProcess.stream(cluster.path("nodes")).map((node) -> node.path("id").asString()))
				.as("the nodes in the cluster, through nginx")
				.containsExactly("node-1", "node-2", "node-3");
			// As a browser opens it: with the page's origin, which the node compares with the Host
			// and port nginx passes on.
			WireClient client = WireClient.connect(clusterPort, "http://127.0.0.1:" + clusterPort);
			try {
				JsonNode welcome = client.awaitFrame("welcome");
				assertThat(welcome.path("node").asString()).as("the node that welcomed a WebSocket through nginx")
					.isIn("node-1", "node-2", "node-3");
			}
			finally {
				client.close();
			}

			String interrupt = ignoresInterrupts(script) ? "TERM" : "INT";
			signal(script, interrupt);
			assertThat(script.waitFor(STOPPED.toSeconds(), TimeUnit.SECONDS))
				.as("the script stopped after SIG" + interrupt)
				.isTrue();
			reader.join(TimeUnit.SECONDS.toMillis(5));
			assertThat(output.toString()).contains("Stopped");
			assertThat(started).as("what the script started: redis-server, three JVMs, nginx and its worker")
				.hasSizeGreaterThanOrEqualTo(6)
				.noneMatch(ProcessHandle::isAlive);
			assertThat(ports).as("ports still accepting after the script stopped").noneMatch(Nginx::accepts);
		}
		finally {
			if (script.isAlive()) {
				script.descendants().forEach(started::add);
				script.destroyForcibly();
			}
			started.forEach(ProcessHandle::destroyForcibly);
		}
	}

	private static List<Integer> freePorts(int count) throws IOException {
		Set<Integer> ports = new LinkedHashSet<>();
		while (ports.size() < count) {
			ports.add(Nginx.freePort());
		}
		return new ArrayList<>(ports);
	}

	/** Copies the script's output into {@code output} and to this test's output, line by line. */
	private static Thread readInto(Process script, StringBuffer output) {
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					System.out.println("src/cluster/run: " + line);
					output.append(line).append('\n');
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, "cluster-script-output");
		reader.setDaemon(true);
		reader.start();
		return reader;
	}

	private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** As Ctrl-C in a terminal, but to the script alone: what it started must be stopped by it. */
	private static void signal(Process process, String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
		assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
	}

	/**
	 * Whether the script was started with SIGINT ignored, which a shell cannot trap: so it is
	 * when this test's JVM was itself started as a background job of a non-interactive shell.
	 * Ctrl-C in a terminal never meets that; there the script stops on SIGTERM the same way.
	 */
	private static boolean ignoresInterrupts(Process process) throws IOException {
		Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
		if (!Files.exists(status)) {
			return false;
		}
		long ignored = Files.readAllLines(status)
			.stream()
			.filter((line) -> line.startsWith("SigIgn:"))
			.mapToLong((line) -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16))
			.findFirst()
			.orElse(0);
		return (ignored & (1L << (2 - 1))) != 0; // SIGINT is signal 2
	}

}

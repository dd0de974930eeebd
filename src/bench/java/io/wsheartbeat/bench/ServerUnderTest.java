package io.wsheartbeat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server process under load: ours (the jar) or the reference (Node.js and {@code ws}). Started
 * on a free loopback port for one scenario and stopped after it, so every scenario starts from
 * the same empty process.
 */
final class ServerUnderTest implements AutoCloseable {

	enum Kind {

		OURS("ours"), REFERENCE("reference");

		final String label;

		Kind(String label) {
			this.label = label;
		}

	}

	private static final Pattern STATISTIC = Pattern
		.compile("\"statistic\"\\s*:\\s*\"(COUNT|TOTAL_TIME|MAX)\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee-]+)");

	final Kind kind;

	final int port;

	private final Process process;

	// jcmd from the same JDK as our server's java: one JDK's tool may not attach to another's JVM.
	private final Path jcmd;

	private ServerUnderTest(Kind kind, int port, Process process, Path jcmd) {
		this.kind = kind;
		this.port = port;
		this.process = process;
		this.jcmd = jcmd;
	}

	/**
	 * Starts a server and waits until it accepts connections.
	 * @param ourJava the java command for our server
	 * @param ourJvmOptions JVM options for our server
	 * @param ourArguments Spring Boot arguments for our server
	 */
	static ServerUnderTest start(Kind kind, Path jar, Path referenceServer, Path ourJava, List<String> ourJvmOptions,
			List<String> ourArguments, Path log) throws IOException {
		ServerUnderTest server = exec(kind, jar, referenceServer, ourJava, ourJvmOptions, ourArguments, freePort(), log);
		server.awaitListening(Duration.ofSeconds(90));
		return server;
	}

	/**
	 * Starts a server on {@code port} and returns at once, without waiting for it to listen: the
	 * {@code restart} scenario's clock starts here.
	 */
	static ServerUnderTest exec(Kind kind, Path jar, Path referenceServer, Path ourJava, List<String> ourJvmOptions,
			List<String> ourArguments, int port, Path log) throws IOException {
		List<String> command = new ArrayList<>();
		ProcessBuilder builder = new ProcessBuilder(command);
		if (kind == Kind.OURS) {
			command.add(ourJava.toString());
			command.addAll(ourJvmOptions);
			command.addAll(List.of("-jar", jar.toString(), "--server.address=127.0.0.1", "--server.port=" + port));
			command.addAll(ourArguments);
		}
		else {
			command.addAll(List.of("node", referenceServer.toAbsolutePath().toString()));
			builder.environment().put("PORT", String.valueOf(port));
			builder.directory(referenceServer.getParent().toFile());
		}
		builder.redirectErrorStream(true).redirectOutput(log.toFile());
		return new ServerUnderTest(kind, port, builder.start(), ourJava.resolveSibling("jcmd"));
	}

	long pid() {
		return this.process.pid();
	}

	long rssKib() {
		return ProcStats.rssKib(pid());
	}

	/** CPU time so far; {@link ProcStats.CpuTime#NONE} once the process is gone. */
	ProcStats.CpuTime cpuTime() {
		ProcStats.CpuTime time = ProcStats.cpuTime(pid());
		return (time != null) ? time : ProcStats.CpuTime.NONE;
	}

	/**
	 * Resident memory once it has settled after {@link #collectGarbage()}: a collector may hand
	 * free memory back to the system on its own thread after the collection returns (Shenandoah
	 * does), so the first reading could still count the garbage. At most 5 s of readings.
	 */
	long settledRssKib() {
		long previous = rssKib();
		for (int reading = 0; reading < 20; reading++) {
			waitForExit(Duration.ofMillis(250));
			long current = rssKib();
			if (current >= previous) {
				return current;
			}
			previous = current;
		}
		return previous;
	}

	/** For our JVM: a full GC, so that resident memory shows what is live rather than garbage. */
	void collectGarbage() {
		if (this.kind != Kind.OURS) {
			return;
		}
		try {
			Process gc = new ProcessBuilder(this.jcmd.toString(), String.valueOf(pid()), "GC.run").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!gc.waitFor(60, TimeUnit.SECONDS)) {
				gc.destroyForcibly();
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("jcmd GC.run failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * For our JVM: the bytes of live objects on the heap, from a class histogram (which collects
	 * first). Unlike resident memory it does not depend on how far the collector let the heap grow,
	 * nor on what else runs on the machine. -1 for the reference, or when it cannot be read.
	 */
	long liveHeapBytes() {
		if (this.kind != Kind.OURS) {
			return -1;
		}
		try {
			Process histogram = new ProcessBuilder(this.jcmd.toString(), String.valueOf(pid()), "GC.class_histogram")
				.redirectErrorStream(true)
				.start();
			List<String> lines = new String(histogram.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
				.lines()
				.toList();
			if (!histogram.waitFor(60, TimeUnit.SECONDS)) {
				histogram.destroyForcibly();
				return -1;
			}
			return parseHistogramTotal(lines);
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/** The bytes column of a class histogram's last line, {@code Total <instances> <bytes>}; -1 without one. */
	static long parseHistogramTotal(List<String> lines) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			String[] fields = lines.get(i).trim().split("\\s+");
			if (fields.length == 3 && fields[0].equals("Total")) {
				return Long.parseLong(fields[2]);
			}
		}
		return -1;
	}

	/**
	 * Our server's {@code heartbeat.reaper.pass} timer: passes so far, their total time and the
	 * longest of the last minutes, in milliseconds; {@code null} for the reference or when it
	 * cannot be read.
	 */
	double[] reaperPasses() {
		if (this.kind != Kind.OURS) {
			return null;
		}
		try {
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			HttpRequest request = HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/metrics/heartbeat.reaper.pass"))
				.timeout(Duration.ofSeconds(10))
				.build();
			String body = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
			double[] passes = new double[3];
			Matcher statistic = STATISTIC.matcher(body);
			while (statistic.find()) {
				double value = Double.parseDouble(statistic.group(2));
				switch (statistic.group(1)) {
					case "COUNT" -> passes[0] = value;
					case "TOTAL_TIME" -> passes[1] = value * 1000;
					default -> passes[2] = value * 1000;
				}
			}
			return passes;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	private void awaitListening(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException(this.kind.label + " server exited at start-up with " + this.process.exitValue());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
				return;
			}
			catch (IOException notYet) {
				waitForExit(Duration.ofMillis(200));
			}
		}
		close();
		throw new IOException(this.kind.label + " server did not listen within " + timeout);
	}

	// Waits on the process rather than sleeping: returns early if it exits.
	private void waitForExit(Duration atMost) {
		try {
			this.process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(40, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	static int freePort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}

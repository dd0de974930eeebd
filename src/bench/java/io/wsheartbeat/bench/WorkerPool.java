package io.wsheartbeat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs one load over as many generator processes as the open-file limit asks for, each started
 * with {@code java -cp} on the generator's own classes, and adds up what they saw. The processes
 * move through their phases together: {@link #awaitReady}, {@link #go}, {@link #awaitHeld},
 * {@link #close}, so the controller can read the server's CPU and memory between the phases.
 */
final class WorkerPool implements AutoCloseable {

	private final List<Worker> workers = new ArrayList<>();

	private WorkerPool() {
	}

	/**
	 * Starts the processes for {@code load}, its connections and open rate split evenly.
	 * @param sourceAddresses loopback addresses to spread the connections over
	 */
	static WorkerPool start(LoadOptions load, int totalConnections, int totalOpenRate, List<String> sourceAddresses,
			Path logDirectory) throws IOException {
		return start(load, totalConnections, totalOpenRate, sourceAddresses, logDirectory,
				LoadOptions.MAX_CONNECTIONS_PER_PROCESS);
	}

	/** As above, with at most {@code connectionsPerProcess} connections in one process. */
	static WorkerPool start(LoadOptions load, int totalConnections, int totalOpenRate, List<String> sourceAddresses,
			Path logDirectory, int connectionsPerProcess) throws IOException {
		int perProcess = Math.min(connectionsPerProcess, LoadOptions.MAX_CONNECTIONS_PER_PROCESS);
		int processes = (totalConnections + perProcess - 1) / perProcess;
		WorkerPool pool = new WorkerPool();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		for (int i = 0; i < processes; i++) {
			int share = totalConnections / processes + ((i < totalConnections % processes) ? 1 : 0);
			// Each process gets addresses of its own, so two processes never compete for one
			// address's ephemeral ports.
			List<String> sources = new ArrayList<>();
			for (int s = i; s < sourceAddresses.size(); s += processes) {
				sources.add(sourceAddresses.get(s));
			}
			if (sources.isEmpty()) {
				sources.add(sourceAddresses.get(i % sourceAddresses.size()));
			}
			LoadOptions options = load.withShare(share, Math.max(1, totalOpenRate / processes), sources, true);
			List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:+UseSerialGC", "-cp",
					classpath(), LoadGenerator.class.getName()));
			command.addAll(options.toArguments());
			ProcessBuilder builder = new ProcessBuilder(command);
			if (logDirectory != null) {
				builder.redirectError(logDirectory.resolve("generator-" + i + ".err").toFile());
			}
			else {
				builder.redirectError(ProcessBuilder.Redirect.INHERIT);
			}
			pool.workers.add(new Worker(builder.start()));
		}
		return pool;
	}

	/** Where the generator's classes are: it needs nothing but the JDK. */
	static String classpath() {
		try {
			return Path.of(LoadGenerator.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	List<Long> pids() {
		return this.workers.stream().map((worker) -> worker.process.pid()).toList();
	}

	/** CPU time of all generator processes so far, milliseconds. */
	long cpuMillis() {
		return this.workers.stream().mapToLong((worker) -> Math.max(0, ProcStats.cpuMillis(worker.process.pid()))).sum();
	}

	/** Waits until every process has opened its connections; returns their READY lines. */
	List<String> awaitReady(Duration timeout) {
		return awaitLine("READY", timeout);
	}

	void go() {
		tell("go");
	}

	List<String> awaitHeld(Duration timeout) {
		return awaitLine("HELD", timeout);
	}

	/** Tells every process to close its connections, and adds up their results. */
	GeneratorResult close(Duration timeout) {
		tell("close");
		GeneratorResult total = new GeneratorResult();
		for (String line : awaitLine("RESULT", timeout)) {
			total.add(GeneratorResult.parse(line));
		}
		return total;
	}

	private void tell(String word) {
		for (Worker worker : this.workers) {
			try {
				OutputStream in = worker.process.getOutputStream();
				in.write((word + "\n").getBytes(StandardCharsets.UTF_8));
				in.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("generator " + worker.process.pid() + " is gone", ex);
			}
		}
	}

	private List<String> awaitLine(String prefix, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> lines = new ArrayList<>();
		for (Worker worker : this.workers) {
			lines.add(worker.awaitLine(prefix, deadline));
		}
		return lines;
	}

	@Override
	public void close() {
		for (Worker worker : this.workers) {
			worker.process.destroy();
		}
		for (Worker worker : this.workers) {
			try {
				if (!worker.process.waitFor(10, TimeUnit.SECONDS)) {
					worker.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				worker.process.destroyForcibly();
			}
		}
	}

	private static final class Worker {

		final Process process;

		final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

		Worker(Process process) {
			this.process = process;
			Thread reader = new Thread(this::read, "generator-" + process.pid());
			reader.setDaemon(true);
			reader.start();
		}

		private void read() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process ended; awaitLine times out or sees the end marker
			}
			this.lines.add("EXITED");
		}

		String awaitLine(String prefix, long deadlineNanos) {
			try {
				while (true) {
					long left = deadlineNanos - System.nanoTime();
					String line = (left > 0) ? this.lines.poll(left, TimeUnit.NANOSECONDS) : null;
					if (line == null) {
						throw new IllegalStateException("generator " + this.process.pid() + ": no " + prefix + " in time");
					}
					if (line.equals("EXITED")) {
						this.lines.add(line);
						throw new IllegalStateException("generator " + this.process.pid() + " exited before " + prefix);
					}
					if (line.startsWith(prefix)) {
						return line;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted waiting for " + prefix, ex);
			}
		}

	}

}

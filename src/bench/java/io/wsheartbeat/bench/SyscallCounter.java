package io.wsheartbeat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts a server's system calls and context switches while it runs, with {@code perf stat} on the
 * kernel's tracepoints: where the two servers' CPU per ack differs in the kernel, these say why.
 * Where perf or its tracepoints are not there (not root, no linux-perf), {@link #start} gives
 * {@code null} and the benchmark goes on without the counts.
 */
final class SyscallCounter {

	/** What is counted, by the name it gets in the results. */
	static final Map<String, String> EVENTS = events();

	private final Process perf;

	private final Path output;

	private SyscallCounter(Process perf, Path output) {
		this.perf = perf;
		this.output = output;
	}

	private static Map<String, String> events() {
		Map<String, String> events = new LinkedHashMap<>();
		events.put("read", "syscalls:sys_enter_read");
		events.put("write", "syscalls:sys_enter_write");
		events.put("writev", "syscalls:sys_enter_writev");
		events.put("epoll_wait", "syscalls:sys_enter_epoll_wait");
		events.put("epoll_pwait", "syscalls:sys_enter_epoll_pwait");
		events.put("epoll_ctl", "syscalls:sys_enter_epoll_ctl");
		events.put("futex", "syscalls:sys_enter_futex");
		events.put("context switches", "context-switches");
		return events;
	}

	/** Starts counting for process {@code pid}, or gives {@code null} if perf cannot count it here. */
	static SyscallCounter start(long pid, Path output) {
		try {
			Files.deleteIfExists(output);
			Process perf = new ProcessBuilder(List.of("perf", "stat", "-x", ",", "-o", output.toString(), "-p",
					String.valueOf(pid), "-e", String.join(",", EVENTS.values())))
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			// perf stat fails at once when it may not open the events; give it a moment to say so.
			if (perf.waitFor(500, TimeUnit.MILLISECONDS)) {
				return null;
			}
			return new SyscallCounter(perf, output);
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Stops counting (perf writes its counts on SIGINT) and reads them.
	 * @return the count of each of {@link #EVENTS} by its name, empty if perf wrote none
	 */
	Map<String, Long> stop() {
		try {
			new ProcessBuilder("kill", "-INT", String.valueOf(this.perf.pid())).start().waitFor(10, TimeUnit.SECONDS);
			if (!this.perf.waitFor(10, TimeUnit.SECONDS)) {
				this.perf.destroyForcibly();
				return Map.of();
			}
			return parse(Files.readAllLines(this.output));
		}
		catch (IOException ex) {
			return Map.of(); // no counts: the table shows none
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Map.of();
		}
	}

	/**
	 * Reads {@code perf stat -x ,} output: a line {@code count,unit,event,...} per event, with
	 * {@code <not counted>} or {@code <not supported>} instead of a count where it could not count.
	 */
	static Map<String, Long> parse(List<String> lines) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String line : lines) {
			String[] fields = line.split(",");
			if (fields.length < 3 || !fields[0].matches("[0-9]+")) {
				continue;
			}
			EVENTS.forEach((name, event) -> {
				if (fields[2].equals(event)) {
					counts.put(name, Long.parseLong(fields[0]));
				}
			});
		}
		return counts;
	}

}

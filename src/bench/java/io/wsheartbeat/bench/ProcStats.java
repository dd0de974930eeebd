package io.wsheartbeat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory and CPU time, read from {@code /proc} so that the numbers mean the
 * same for a JVM and for Node.js.
 */
final class ProcStats {

	// USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux that matters.
	private static final long TICKS_PER_SECOND = 100;

	private ProcStats() {
	}

	/** {@code VmRSS} in KiB, or -1 when the process is gone. */
	static long rssKib(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
			return -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** CPU time spent by a process: in its own code, and in the kernel on its behalf. */
	record CpuTime(long userMillis, long systemMillis) {

		static final CpuTime NONE = new CpuTime(0, 0);

		long totalMillis() {
			return this.userMillis + this.systemMillis;
		}

		CpuTime since(CpuTime earlier) {
			return new CpuTime(this.userMillis - earlier.userMillis, this.systemMillis - earlier.systemMillis);
		}

	}

	/**
	 * The kernel's counts of connections it dropped because a listen queue was full
	 * ({@code ListenOverflows}) and of all it dropped at the listen stage ({@code ListenDrops}),
	 * from {@code /proc/net/netstat}. For the whole network namespace, since boot: read before and
	 * after a load, and take the difference.
	 */
	record ListenQueue(long overflows, long drops) {

		static final ListenQueue NONE = new ListenQueue(0, 0);

		ListenQueue since(ListenQueue earlier) {
			return new ListenQueue(this.overflows - earlier.overflows, this.drops - earlier.drops);
		}

	}

	/** The listen-queue counters now, or {@link ListenQueue#NONE} where the kernel does not say. */
	static ListenQueue listenQueue() {
		try {
			return parseListenQueue(Files.readAllLines(Path.of("/proc/net/netstat")));
		}
		catch (IOException ex) {
			return ListenQueue.NONE;
		}
	}

	/** {@code /proc/net/netstat} holds pairs of lines: {@code TcpExt:} and names, then {@code TcpExt:} and values. */
	static ListenQueue parseListenQueue(java.util.List<String> netstat) {
		for (int i = 0; i + 1 < netstat.size(); i++) {
			if (netstat.get(i).startsWith("TcpExt:") && netstat.get(i + 1).startsWith("TcpExt:")) {
				java.util.List<String> names = java.util.List.of(netstat.get(i).trim().split("\\s+"));
				String[] values = netstat.get(i + 1).trim().split("\\s+");
				int overflows = names.indexOf("ListenOverflows");
				int drops = names.indexOf("ListenDrops");
				if (overflows > 0 && drops > 0) {
					return new ListenQueue(Long.parseLong(values[overflows]), Long.parseLong(values[drops]));
				}
			}
		}
		return ListenQueue.NONE;
	}

	/** User plus system CPU time in milliseconds, or -1 when the process is gone. */
	static long cpuMillis(long pid) {
		CpuTime time = cpuTime(pid);
		return (time != null) ? time.totalMillis() : -1;
	}

	/** Both parts of the CPU time, read at one instant, or {@code null} when the process is gone. */
	static CpuTime cpuTime(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			// The command name, field 2, may hold spaces: count fields after its closing parenthesis.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return new CpuTime(Long.parseLong(fields[11]) * 1000 / TICKS_PER_SECOND,
					Long.parseLong(fields[12]) * 1000 / TICKS_PER_SECOND);
		}
		catch (IOException ex) {
			return null;
		}
		catch (RuntimeException ex) {
			throw new UncheckedIOException(new IOException("cannot read /proc/" + pid + "/stat", ex));
		}
	}

}

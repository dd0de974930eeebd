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

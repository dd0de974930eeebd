package io.wsheartbeat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class SyscallCounterTests {

	@Test
	void readsTheCountsOfPerfStatsCsvAndSkipsWhatItCouldNotCount() {
		List<String> output = List.of("# started on Tue Dec  1 19:30:00 2026", "",
				"901783,,syscalls:sys_enter_read,8017338716,100.00,,",
				"<not counted>,,syscalls:sys_enter_writev,0,100.00,,",
				"130870,,context-switches,8017338716,100.00,13.583,K/sec");

		assertThat(SyscallCounter.parse(output)).isEqualTo(Map.of("read", 901783L, "context switches", 130870L));
	}

	@Test
	void countsTheReadsOfAProcessThatReads(@TempDir Path directory) throws IOException, InterruptedException {
		Path file = Files.writeString(directory.resolve("data"), "x\n");
		// The shell's own read builtin, a bounded number of times (seconds' worth; killed at the end).
		Process reader = new ProcessBuilder("sh", "-c",
				"i=0; while [ $i -lt 2000000 ]; do read line < " + file + "; i=$((i+1)); done")
			.start();
		try {
			SyscallCounter counter = SyscallCounter.start(reader.pid(), directory.resolve("perf.csv"));
			assumeThat(counter).as("perf stat with syscall tracepoints (linux-perf, root)").isNotNull();

			Map<String, Long> counts = counter.stop();

			assertThat(counts).containsKeys(SyscallCounter.EVENTS.keySet().toArray(String[]::new));
			assertThat(counts.get("read")).isPositive();
		}
		finally {
			reader.destroyForcibly().waitFor();
		}
	}

}

package io.wsheartbeat.cluster;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * What the scale harness reads of its own JVM and machine: the load average, the heap after a
 * full collection, the collectors' time, and the live instances of the cluster's classes.
 */
final class ScaleJvm {

	private static final Pattern HARNESS = Pattern.compile("\\.(ClusterScale|Scale[A-Z]|SyntheticSessions|WholeViews)");

	private ScaleJvm() {
	}

	static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException ex) {
			return "?";
		}
	}

	/** Time this JVM's collectors took, all of them, since it started. */
	static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionTime)
			.sum();
	}

	/** Heap in use after a full collection, bytes. */
	static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * The live instances of the production classes of this package, from the JVM's class
	 * histogram (what {@code jcmd <pid> GC.class_histogram} prints), largest first. The
	 * harness's own classes and lambdas are left out.
	 */
	static List<String> clusterClasses() {
		List<String> lines = new ArrayList<>();
		try {
			String histogram = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { new String[0] }, new String[] { String[].class.getName() });
			lines.add(String.format(Locale.ROOT, "%12s %12s  %s", "instances", "bytes", "class"));
			for (String line : histogram.split("\n")) {
				String[] parts = line.trim().split("\\s+");
				if (parts.length >= 4 && parts[3].startsWith("io.wsheartbeat.cluster.") && !parts[3].contains("$$Lambda")
						&& !HARNESS.matcher(parts[3]).find()) {
					lines.add(String.format(Locale.ROOT, "%12s %12s  %s", parts[1], parts[2],
							parts[3].substring("io.wsheartbeat.cluster.".length())));
				}
			}
		}
		catch (Exception ex) {
			lines.add("(no class histogram: " + ex + ")");
		}
		return lines;
	}

	static void quietLogs() {
		ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
			.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.setLevel(ch.qos.logback.classic.Level.WARN);
		// Lettuce tells of every reconnection attempt while Redis is down: many per node.
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.lettuce"))
			.setLevel(ch.qos.logback.classic.Level.ERROR);
	}

}

package io.wsheartbeat.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What one or more load generator processes saw. A worker prints it as one {@code RESULT} line;
 * {@link WorkerPool} parses the lines of all workers and adds them up.
 */
final class GeneratorResult {

	long attempted;

	long opened;

	long failed;

	/** Connections the server closed before the generator did. */
	long closedByServer;

	long heartbeatsSent;

	long acksReceived;

	long welcomes;

	long pingsAnswered;

	/** Text frames that were neither a welcome nor an ack (error frames, echoes). */
	long otherFrames;

	/** Length of the measured window, milliseconds (the longest of the workers). */
	long windowMillis;

	/** Close codes the server used, 1006 for a connection dropped without a close frame. */
	final Map<Integer, Long> closeCodes = new TreeMap<>();

	final LatencyHistogram rttMicros = new LatencyHistogram();

	/**
	 * Acks received while the connections were still being opened, before {@code READY}: the round
	 * trips of sessions already open while the server is busy with handshakes. Also in {@link #rttMicros}.
	 */
	final LatencyHistogram rampRttMicros = new LatencyHistogram();

	/** Microseconds from a connection's start (its socket opened) to the server's 101. */
	final LatencyHistogram connectMicros = new LatencyHistogram();

	/** {@code silent}: milliseconds from each silent connection's one heartbeat to the server's close. */
	final List<Long> detectionMillis = new ArrayList<>();

	/** {@code silent}: silent connections the server had not closed when the wait ran out. */
	long undetected;

	/** {@code restart}: connects retried after a refused or failed one (the page's backoff). */
	long retries;

	/**
	 * {@code restart}: microseconds from the server's start to each client's first welcome; a
	 * client never welcomed is not in it ({@link #attempted} counts clients).
	 */
	final LatencyHistogram welcomeMicros = new LatencyHistogram();

	/**
	 * {@code restart}: microseconds from the server's start to each client's first 101. For a
	 * server that sends no welcome (the reference) this is when a client is in.
	 */
	final LatencyHistogram upgradedMicros = new LatencyHistogram();

	/**
	 * {@code restart}: microseconds from the server's start until a share of the clients were
	 * welcomed (or, from a server that sends no welcome, upgraded); -1 if that share never was.
	 */
	long welcomedShareMicros(double share) {
		LatencyHistogram in = inMicros();
		long needed = (long) Math.ceil(share * this.attempted);
		if (needed == 0 || in.count() < needed) {
			return -1;
		}
		return in.quantile((double) needed / in.count());
	}

	/** {@code restart}: when each client was in: its welcome, or its 101 from a server that sends no welcome. */
	LatencyHistogram inMicros() {
		return (this.welcomeMicros.count() > 0) ? this.welcomeMicros : this.upgradedMicros;
	}

	void add(GeneratorResult other) {
		this.attempted += other.attempted;
		this.opened += other.opened;
		this.failed += other.failed;
		this.closedByServer += other.closedByServer;
		this.heartbeatsSent += other.heartbeatsSent;
		this.acksReceived += other.acksReceived;
		this.welcomes += other.welcomes;
		this.pingsAnswered += other.pingsAnswered;
		this.otherFrames += other.otherFrames;
		this.windowMillis = Math.max(this.windowMillis, other.windowMillis);
		other.closeCodes.forEach((code, count) -> this.closeCodes.merge(code, count, Long::sum));
		this.rttMicros.add(other.rttMicros);
		this.rampRttMicros.add(other.rampRttMicros);
		this.connectMicros.add(other.connectMicros);
		this.detectionMillis.addAll(other.detectionMillis);
		this.undetected += other.undetected;
		this.retries += other.retries;
		this.welcomeMicros.add(other.welcomeMicros);
		this.upgradedMicros.add(other.upgradedMicros);
	}

	double acksPerSecond() {
		return (this.windowMillis > 0) ? this.acksReceived * 1000.0 / this.windowMillis : 0;
	}

	long detectionQuantile(double q) {
		if (this.detectionMillis.isEmpty()) {
			return -1;
		}
		long[] sorted = this.detectionMillis.stream().mapToLong(Long::longValue).sorted().toArray();
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
		return sorted[index];
	}

	String toLine() {
		StringJoiner codes = new StringJoiner(",");
		this.closeCodes.forEach((code, count) -> codes.add(code + ":" + count));
		StringJoiner detections = new StringJoiner(",");
		this.detectionMillis.forEach((millis) -> detections.add(String.valueOf(millis)));
		return "RESULT attempted=" + this.attempted + " opened=" + this.opened + " failed=" + this.failed
				+ " closedByServer=" + this.closedByServer + " heartbeatsSent=" + this.heartbeatsSent + " acksReceived="
				+ this.acksReceived + " welcomes=" + this.welcomes + " pingsAnswered=" + this.pingsAnswered
				+ " otherFrames=" + this.otherFrames + " windowMillis=" + this.windowMillis + " undetected="
				+ this.undetected + " codes=" + codes + " detections=" + detections + " rtt="
				+ this.rttMicros.encode() + " rampRtt=" + this.rampRttMicros.encode() + " connect="
				+ this.connectMicros.encode() + " retries=" + this.retries + " welcome=" + this.welcomeMicros.encode() + " upgraded="
				+ this.upgradedMicros.encode();
	}

	static GeneratorResult parse(String line) {
		if (!line.startsWith("RESULT ")) {
			throw new IllegalArgumentException("not a result line: " + line);
		}
		Map<String, String> values = new LinkedHashMap<>();
		for (String field : line.substring("RESULT ".length()).split(" ")) {
			int equals = field.indexOf('=');
			values.put(field.substring(0, equals), field.substring(equals + 1));
		}
		GeneratorResult result = new GeneratorResult();
		result.attempted = Long.parseLong(values.get("attempted"));
		result.opened = Long.parseLong(values.get("opened"));
		result.failed = Long.parseLong(values.get("failed"));
		result.closedByServer = Long.parseLong(values.get("closedByServer"));
		result.heartbeatsSent = Long.parseLong(values.get("heartbeatsSent"));
		result.acksReceived = Long.parseLong(values.get("acksReceived"));
		result.welcomes = Long.parseLong(values.get("welcomes"));
		result.pingsAnswered = Long.parseLong(values.get("pingsAnswered"));
		result.otherFrames = Long.parseLong(values.get("otherFrames"));
		result.windowMillis = Long.parseLong(values.get("windowMillis"));
		result.undetected = Long.parseLong(values.get("undetected"));
		for (String code : values.get("codes").split(",")) {
			if (!code.isEmpty()) {
				String[] parts = code.split(":");
				result.closeCodes.merge(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Long::sum);
			}
		}
		Arrays.stream(values.get("detections").split(","))
			.filter((millis) -> !millis.isEmpty())
			.forEach((millis) -> result.detectionMillis.add(Long.parseLong(millis)));
		result.rttMicros.add(LatencyHistogram.decode(values.get("rtt")));
		result.rampRttMicros.add(LatencyHistogram.decode(values.get("rampRtt")));
		result.connectMicros.add(LatencyHistogram.decode(values.get("connect")));
		result.retries = Long.parseLong(values.getOrDefault("retries", "0"));
		if (values.containsKey("welcome")) {
			result.welcomeMicros.add(LatencyHistogram.decode(values.get("welcome")));
			result.upgradedMicros.add(LatencyHistogram.decode(values.get("upgraded")));
		}
		return result;
	}

	private static String quantilesJson(LatencyHistogram histogram) {
		return "{\"p50\": " + histogram.quantile(0.50) + ", \"p99\": " + histogram.quantile(0.99) + ", \"max\": "
				+ histogram.max() + ", \"count\": " + histogram.count() + "}";
	}

	/** The generator's side of a run as JSON fields (no braces), for the report. */
	String toJsonFields() {
		StringJoiner codes = new StringJoiner(", ", "{", "}");
		this.closeCodes.forEach((code, count) -> codes.add("\"" + code + "\": " + count));
		return "\"attempted\": " + this.attempted + ", \"opened\": " + this.opened + ", \"failed\": " + this.failed
				+ ", \"closedByServer\": " + this.closedByServer + ", \"closeCodes\": " + codes
				+ ", \"heartbeatsSent\": " + this.heartbeatsSent + ", \"acksReceived\": " + this.acksReceived
				+ ", \"windowMillis\": " + this.windowMillis + ", \"acksPerSecond\": "
				+ Math.round(acksPerSecond()) + ", \"rttMicros\": {\"p50\": " + this.rttMicros.quantile(0.50)
				+ ", \"p90\": " + this.rttMicros.quantile(0.90) + ", \"p99\": " + this.rttMicros.quantile(0.99)
				+ ", \"max\": " + this.rttMicros.max() + ", \"count\": " + this.rttMicros.count() + "}"
				+ ", \"rampRttMicros\": " + quantilesJson(this.rampRttMicros) + ", \"connectMicros\": "
				+ quantilesJson(this.connectMicros)
				+ ", \"silentDetectionMillis\": {\"min\": " + detectionQuantile(0) + ", \"p50\": "
				+ detectionQuantile(0.5) + ", \"max\": " + detectionQuantile(1) + ", \"count\": "
				+ this.detectionMillis.size() + ", \"undetected\": " + this.undetected + "}" + ", \"retries\": "
				+ this.retries + ", \"welcomeFromStartMicros\": {\"p50\": " + welcomedShareMicros(0.5) + ", \"p99\": "
				+ welcomedShareMicros(0.99) + ", \"all\": " + welcomedShareMicros(1.0) + ", \"welcomed\": "
				+ this.welcomeMicros.count() + ", \"upgraded\": " + this.upgradedMicros.count() + "}";
	}

}

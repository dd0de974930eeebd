package io.wsheartbeat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one load generator process does.
 *
 * @param mode {@code hold}, {@code throughput}, {@code silent} or {@code restart}
 * @param host the server's address; loopback only
 * @param port the server's port
 * @param path the WebSocket endpoint
 * @param connections how many connections this process opens
 * @param openRate connections opened per second
 * @param intervalMillis {@code hold}: how often each connection beats
 * @param durationSeconds {@code hold} and {@code throughput}: the measured window; {@code restart}:
 * how long from {@code originEpochMillis} the clients beat and their acks count
 * @param silentWaitSeconds {@code silent}: how long to wait at most for the server to close the
 * silent connections; {@code restart}: how long past the window to keep retrying clients not yet welcomed
 * @param sourceAddresses loopback source addresses the connections are spread over, so that the
 * ephemeral ports of one address do not run short
 * @param controlled whether the process takes {@code go} and {@code close} on standard input
 * (several processes started by {@link WorkerPool}) or runs straight through
 * @param originEpochMillis {@code restart}: the instant the server was started (wall clock, ms),
 * from which client {@code i} first connects at {@code i / openRate} and every time is measured; 0
 * for now
 */
record LoadOptions(Mode mode, String host, int port, String path, int connections, int openRate, long intervalMillis,
		long durationSeconds, long silentWaitSeconds, List<String> sourceAddresses, boolean controlled,
		long originEpochMillis) {

	enum Mode {

		HOLD, THROUGHPUT, SILENT,

		/**
		 * Clients that were connected to a server that restarts: each connects at its turn from the
		 * server's start, retries a refused or failed connect with the page's backoff, and beats
		 * every {@code intervalMillis} once welcomed.
		 */
		RESTART

	}

	LoadOptions(Mode mode, String host, int port, String path, int connections, int openRate, long intervalMillis,
			long durationSeconds, long silentWaitSeconds, List<String> sourceAddresses, boolean controlled) {
		this(mode, host, port, path, connections, openRate, intervalMillis, durationSeconds, silentWaitSeconds,
				sourceAddresses, controlled, 0);
	}

	// Connections per process: under the open-file limit (20,000 here) with room for the JVM's own.
	static final int MAX_CONNECTIONS_PER_PROCESS = 9_500;

	LoadOptions {
		if (!host.startsWith("127.")) {
			throw new IllegalArgumentException("load goes to loopback only, not " + host);
		}
		for (String source : sourceAddresses) {
			if (!source.startsWith("127.")) {
				throw new IllegalArgumentException("source addresses are loopback only, not " + source);
			}
		}
		if (connections < 1 || connections > MAX_CONNECTIONS_PER_PROCESS) {
			throw new IllegalArgumentException("connections per process must be 1.." + MAX_CONNECTIONS_PER_PROCESS);
		}
		if (openRate < 1 || intervalMillis < 1 || durationSeconds < 0 || silentWaitSeconds < 0
				|| durationSeconds > 3600 || silentWaitSeconds > 3600) {
			throw new IllegalArgumentException("rate and interval must be positive, durations 0..3600 s");
		}
		sourceAddresses = List.copyOf(sourceAddresses);
	}

	LoadOptions withShare(int connections, int openRate, List<String> sourceAddresses, boolean controlled) {
		return new LoadOptions(this.mode, this.host, this.port, this.path, connections, openRate, this.intervalMillis,
				this.durationSeconds, this.silentWaitSeconds, sourceAddresses, controlled, this.originEpochMillis);
	}

	LoadOptions withOrigin(long originEpochMillis) {
		return new LoadOptions(this.mode, this.host, this.port, this.path, this.connections, this.openRate,
				this.intervalMillis, this.durationSeconds, this.silentWaitSeconds, this.sourceAddresses,
				this.controlled, originEpochMillis);
	}

	List<String> toArguments() {
		List<String> arguments = new ArrayList<>();
		asMap().forEach((key, value) -> arguments.add("--" + key + "=" + value));
		return arguments;
	}

	static LoadOptions parse(String[] arguments) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String argument : arguments) {
			int equals = argument.indexOf('=');
			if (!argument.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("expected --key=value, got " + argument);
			}
			values.put(argument.substring(2, equals), argument.substring(equals + 1));
		}
		return new LoadOptions(Mode.valueOf(values.get("mode").toUpperCase()), values.getOrDefault("host", "127.0.0.1"),
				Integer.parseInt(values.get("port")), values.getOrDefault("path", "/ws"),
				Integer.parseInt(values.get("connections")), Integer.parseInt(values.getOrDefault("open-rate", "1000")),
				Long.parseLong(values.getOrDefault("interval-millis", "30000")),
				Long.parseLong(values.getOrDefault("duration-seconds", "10")),
				Long.parseLong(values.getOrDefault("silent-wait-seconds", "60")),
				List.of(values.getOrDefault("source-addresses", "127.0.0.1").split(",")),
				Boolean.parseBoolean(values.getOrDefault("controlled", "false")),
				Long.parseLong(values.getOrDefault("origin-epoch-millis", "0")));
	}

	private Map<String, String> asMap() {
		Map<String, String> values = new LinkedHashMap<>();
		values.put("mode", this.mode.name().toLowerCase());
		values.put("host", this.host);
		values.put("port", String.valueOf(this.port));
		values.put("path", this.path);
		values.put("connections", String.valueOf(this.connections));
		values.put("open-rate", String.valueOf(this.openRate));
		values.put("interval-millis", String.valueOf(this.intervalMillis));
		values.put("duration-seconds", String.valueOf(this.durationSeconds));
		values.put("silent-wait-seconds", String.valueOf(this.silentWaitSeconds));
		values.put("source-addresses", String.join(",", this.sourceAddresses));
		values.put("controlled", String.valueOf(this.controlled));
		values.put("origin-epoch-millis", String.valueOf(this.originEpochMillis));
		return values;
	}

}

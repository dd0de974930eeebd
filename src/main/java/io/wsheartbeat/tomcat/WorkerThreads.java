package io.wsheartbeat.tomcat;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Tomcat's worker threads, sized for this workload rather than for servlets that block on I/O:
 * {@code server.tomcat.threads.max} defaults to four per core, at least {@value #AT_LEAST}, in
 * place of Boot's 200. Any value the user gives ({@code application.properties}, the command line,
 * the environment) wins: this default is the last property source.
 *
 * <p>Why few. A handshake costs about a millisecond of CPU and an ack a few microseconds; nothing
 * on a worker waits for I/O except a send to a client whose socket buffers are full. On two cores,
 * 200 workers opening sessions at 1,000 a second convoy on the locks behind session creation (the
 * {@code SecureRandom} behind Spring's session ids, Tomcat's session registry) and cost 46-66 MB
 * of thread stacks and arenas after a storm; four beat 200 in CPU per handshake (issue 19).
 *
 * <p>Why not fewer. A worker that sends to a client that has stopped reading blocks for at most
 * {@code heartbeat.send-time-limit} (Tomcat's blocking send timeout, set per session by
 * {@link TomcatConnections#limitSends}), after which that session is closed with 4500. Such a
 * client has to keep sending while it refuses to read, and fill its socket buffers with answers
 * first (an ack is about 60 bytes): a deliberate act, not a slow network, whose heartbeats would
 * not arrive either. With four per core, it takes that many such clients at once to make other
 * clients' acks wait, and then for at most the send time limit.
 */
class WorkerThreads implements EnvironmentPostProcessor {

	static final String PROPERTY = "server.tomcat.threads.max";

	static final int PER_CORE = 4;

	static final int AT_LEAST = 8;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource("heartbeatWorkerThreads",
					Map.of(PROPERTY, String.valueOf(forCores(Runtime.getRuntime().availableProcessors())))));
	}

	static int forCores(int cores) {
		return Math.max(AT_LEAST, PER_CORE * cores);
	}

}

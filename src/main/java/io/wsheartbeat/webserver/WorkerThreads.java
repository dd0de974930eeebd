package io.wsheartbeat.webserver;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The web server's worker threads, sized for this workload rather than for servlets that block on
 * I/O: four per core, at least {@value #AT_LEAST}, in place of Boot's 200, on Tomcat
 * ({@value #TOMCAT}) and Jetty ({@value #JETTY}) alike. Both keys are set; the one of the server
 * that is not there is never read. Any value the user gives ({@code application.properties}, the
 * command line, the environment) wins: these defaults are the last property source.
 *
 * <p>Why few. A handshake costs about a millisecond of CPU and an ack a few microseconds; nothing
 * on a worker waits for I/O except a send to a client whose socket buffers are full. On two cores,
 * 200 workers opening sessions at 1,000 a second convoy on the locks behind session creation (the
 * {@code SecureRandom} behind Spring's session ids, Tomcat's session registry) and cost 46-66 MB
 * of thread stacks and arenas after a storm; four beat 200 in CPU per handshake (issue 19).
 *
 * <p>Why not fewer. A worker that sends to a client that has stopped reading blocks for at most
 * {@code heartbeat.send-time-limit} (the container's send timeout, set per session by its
 * {@code WebSocketConnections.limitSends}), after which that session is closed with 4500. Such a
 * client has to keep sending while it refuses to read, and fill its socket buffers with answers
 * first (an ack is about 60 bytes): a deliberate act, not a slow network, whose heartbeats would
 * not arrive either. With four per core, it takes that many such clients at once to make other
 * clients' acks wait, and then for at most the send time limit.
 *
 * <p>Why Jetty's number is larger. Tomcat's acceptor and poller are threads of their own, outside
 * its pool; Jetty runs its acceptors and selectors on threads leased from its one pool, for as
 * long as it runs, and refuses to start when they leave no thread over. So Jetty gets the same
 * workers plus its acceptors and selectors, as many as its {@code ServerConnector} takes by
 * default ({@link #jettyThreads}). What is left also feeds Jetty's reserved threads (one on two
 * cores), which are not idle spares but the threads that take over the selector's work: they run
 * the application's tasks as workers do.
 */
class WorkerThreads implements EnvironmentPostProcessor {

	static final String TOMCAT = "server.tomcat.threads.max";

	static final String JETTY = "server.jetty.threads.max";

	static final int PER_CORE = 4;

	static final int AT_LEAST = 8;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		int cores = Runtime.getRuntime().availableProcessors();
		environment.getPropertySources()
			.addLast(new MapPropertySource("heartbeatWorkerThreads", Map.of(TOMCAT, String.valueOf(forCores(cores)),
					JETTY, String.valueOf(jettyThreads(cores)))));
	}

	/** Workers: Tomcat's whole pool. */
	static int forCores(int cores) {
		return Math.max(AT_LEAST, PER_CORE * cores);
	}

	/**
	 * Jetty's pool: the workers, plus the acceptors and selectors a {@code ServerConnector} leases
	 * from the pool by default: {@code max(1, min(4, cores / 8))} acceptors, and at most
	 * {@code max(1, cores / 2)} selectors (Jetty takes fewer when the pool is small), so at least
	 * {@link #forCores} threads are left for the application. Two cores: 8 + 1 + 1.
	 */
	static int jettyThreads(int cores) {
		int acceptors = Math.max(1, Math.min(4, cores / 8));
		int selectors = Math.max(1, cores / 2);
		return forCores(cores) + acceptors + selectors;
	}

}

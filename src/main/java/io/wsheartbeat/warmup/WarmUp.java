package io.wsheartbeat.warmup;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * The warm start. After a restart every client comes back within its reconnect delay, and a JVM
 * meets them with its handshake and ack paths interpreted: each handshake then costs twice the
 * CPU it does once compiled, and on two cores the queue grows through the whole storm
 * (docs/performance.md). So before the web server opens its port, this opens a second connector
 * of the web server's on a free loopback port ({@link SideDoor}), runs real WebSocket sessions
 * against {@code /ws} through it
 * with the JDK's client ({@link WarmUpClient}: handshake, welcome, heartbeats and acks, close),
 * for at most {@code heartbeat.warm-up.time-limit}, closes that connector, and only then lets the
 * web server open the server's port; readiness comes after that.
 *
 * <p>Its sessions go through the handler and the registry like any other, so the same code gets
 * compiled, but they are marked ({@link WarmUpSessions}) and no listener hears of them: they never
 * show in the server's view or the cluster, and every one is closed before a client can connect,
 * so none counts against a client's per-address or total limit. Its acks count in
 * {@code heartbeat.acks}, and the handler's line per session is quiet while it runs (one summary line instead).
 *
 * <p>It is bounded by {@code heartbeat.warm-up.time-limit}, 1 s by default: on one server
 * restarting, every second the port opens later sends the refused clients further into their
 * reconnect backoff. In that second it opens some 40-90 sessions on two busy cores, far too few
 * for the JIT's top tier; what it takes out of the first clients' way is the cost of first use
 * (class loading, and the lazy set-up of the servlet, WebSocket and JSON machinery), and with it
 * the seconds-long ack times of a restart's first moments (docs/performance.md).
 *
 * <p>On Tomcat and Jetty, each with its {@link SideDoor}; with no side door for the web server it
 * does nothing and says so.
 */
class WarmUp implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WarmUp.class);

	// Its line per session opened and closed: thousands at start-up that say nothing about clients.
	private static final String SESSION_LINES = "io.wsheartbeat.heartbeat.HeartbeatHandler";

	// How long the warm-up's own sessions may take to leave the registry once their connector is gone.
	private static final Duration LEAVING = Duration.ofSeconds(1);

	private final WarmUpProperties properties;

	private final WarmUpSessions sessions;

	private final SessionRegistry registry;

	private final ApplicationContext context;

	private final SideDoor sideDoor;

	private final LoggingSystem logging;

	private volatile boolean running;

	private volatile WarmUpClient.Result lastRun;

	// How many of its sessions the last warm-up gave up waiting for (LEAVING ran out).
	private volatile long lastLeftClosing;

	WarmUp(WarmUpProperties properties, WarmUpSessions sessions, SessionRegistry registry, ApplicationContext context,
			SideDoor sideDoor, LoggingSystem logging) {
		this.properties = properties;
		this.sessions = sessions;
		this.registry = registry;
		this.context = context;
		this.sideDoor = sideDoor;
		this.logging = logging;
	}

	@Override
	public void start() {
		this.running = true;
		if (!this.properties.enabled() || this.properties.handshakes() == 0 || this.properties.timeLimit().isZero()) {
			return;
		}
		WebServer webServer = (this.context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
		LogLevel sessionLines = quietSessionLines();
		try {
			SideDoor.Open door = (webServer != null && this.sideDoor != null) ? this.sideDoor.open(webServer) : null;
			if (door == null) {
				logger.info("No warm-up: no side door into the web server, {}", webServer);
				return;
			}
			this.lastRun = warmUp(door);
			logger.info("Warm-up: {} sessions opened and closed, {} heartbeats acked, {} failed, in {} ms",
					this.lastRun.handshakes(), this.lastRun.acks(), this.lastRun.failures(),
					this.lastRun.took().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// A warm-up that cannot run leaves a server that works, only cold at first.
			logger.warn("Warm-up skipped: {}", ex.toString());
		}
		finally {
			restoreSessionLines(sessionLines);
		}
	}

	/**
	 * The handler's line per session, WARN during the warm-up unless it was set lower on purpose:
	 * its sessions are summed up in one line instead. No client is served meanwhile, the port is
	 * not open yet.
	 * @return the level configured before, to restore afterwards (null: inherited)
	 */
	private LogLevel quietSessionLines() {
		if (this.logging == null) {
			return null;
		}
		LoggerConfiguration configuration = this.logging.getLoggerConfiguration(SESSION_LINES);
		LogLevel configured = (configuration != null) ? configuration.getConfiguredLevel() : null;
		if (configured == null || configured == LogLevel.INFO) {
			this.logging.setLogLevel(SESSION_LINES, LogLevel.WARN);
		}
		return configured;
	}

	private void restoreSessionLines(LogLevel configured) {
		if (this.logging != null) {
			this.logging.setLogLevel(SESSION_LINES, configured);
		}
	}

	private WarmUpClient.Result warmUp(SideDoor.Open door) throws InterruptedException {
		try {
			int port = door.port();
			this.sessions.open(port);
			String contextPath = (this.context.getEnvironment().getProperty("server.servlet.context-path", ""));
			WarmUpClient.Result result = new WarmUpClient(this.properties)
				.run(URI.create("ws://127.0.0.1:" + port + contextPath + "/ws"));
			// While the connector still runs, so that the closes of the sessions cut short at the
			// time limit reach the handler.
			closeWarmUpSessionsUntilGone();
			return result;
		}
		finally {
			door.close();
			this.sessions.closed();
			closeWarmUpSessions();
		}
	}

	private void closeWarmUpSessions() {
		this.registry.sessions()
			.stream()
			.filter((session) -> session.isWarmUp() && session.webSocketSession().isOpen())
			.forEach((session) -> session.close(CloseStatus.GOING_AWAY));
	}

	/**
	 * Closes the warm-up's sessions from this side, and those whose handshake the server completes
	 * meanwhile, until none is left or {@link #LEAVING} runs out. The client leaves some open: those
	 * it cut short in their handshake, which it neither closes nor aborts. Waiting for them would
	 * hold the port shut for all of LEAVING.
	 */
	private void closeWarmUpSessionsUntilGone() throws InterruptedException {
		CompletableFuture<Void> gone = new CompletableFuture<>();
		ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "warm-up-check");
			thread.setDaemon(true);
			return thread;
		});
		try {
			checks.scheduleWithFixedDelay(() -> {
				closeWarmUpSessions();
				if (warmUpSessionsLeft() == 0) {
					gone.complete(null);
				}
			}, 0, 10, TimeUnit.MILLISECONDS);
			gone.get(LEAVING.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			this.lastLeftClosing = warmUpSessionsLeft();
			logger.info("Warm-up: {} of its sessions still closing after {} ms", this.lastLeftClosing,
					LEAVING.toMillis());
		}
		finally {
			checks.shutdownNow();
		}
	}

	long warmUpSessionsLeft() {
		return this.registry.sessions().stream().filter(TrackedSession::isWarmUp).count();
	}

	/** What the last warm-up did; null if none ran. */
	WarmUpClient.Result lastRun() {
		return this.lastRun;
	}

	/** How many of its sessions the last warm-up stopped waiting for, the port held shut meanwhile. */
	long lastLeftClosing() {
		return this.lastLeftClosing;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Just before the web server's own start, which opens the port. */
	@Override
	public int getPhase() {
		return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;
	}

}

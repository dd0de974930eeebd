package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Says goodbye before the web server stops: every open session gets close 1001 "going away".
 * Tomcat alone would cut upgraded connections without a close frame, and a client would see
 * 1006 and could not tell a restart from a network failure.
 *
 * <p>Its phase is above the web server's graceful shutdown, so it stops first.
 */
@Component
class SessionShutdown implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SessionShutdown.class);

	// How often shutdown looks whether the close handshakes it began have finished.
	private static final Duration CLOSE_CHECK_PERIOD = Duration.ofMillis(20);

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	private final WebSocketConnections connections;

	private final Duration closeTimeLimit;

	private volatile boolean running;

	SessionShutdown(SessionRegistry registry, SessionTasks tasks, ObjectProvider<WebSocketConnections> connections,
			HeartbeatProperties properties) {
		this.registry = registry;
		this.tasks = tasks;
		this.connections = connections.getIfAvailable(() -> WebSocketConnections.PORTABLE);
		this.closeTimeLimit = properties.sendTimeLimit();
	}

	/**
	 * Opens the door, also after a {@link #stop()}: a context can be stopped and started again
	 * (Spring's test framework pauses cached contexts that way), and a server that stays shut
	 * after a restart would turn every client away.
	 */
	@Override
	public void start() {
		this.registry.admitSessions();
		this.running = true;
	}

	/**
	 * Closes every session with 1001, then waits for their close handshakes to finish, for at most
	 * {@code heartbeat.send-time-limit}. The web server stops next, and a connection it cuts with
	 * the client's close reply still unread is reset: the client would then report 1006 instead
	 * of the 1001 it was sent.
	 */
	@Override
	public void stop() {
		this.running = false;
		List<TrackedSession> closed = this.registry.closeAllForShutdown();
		try {
			boolean finished = this.tasks.awaitCondition(() -> closed.stream().allMatch(this::isConnectionClosed),
					CLOSE_CHECK_PERIOD, this.closeTimeLimit);
			logger.info("Shutting down: closed {} session(s) with 1001{}", closed.size(), finished ? ""
					: "; " + closed.stream().filter((session) -> !isConnectionClosed(session)).count()
							+ " close handshake(s) not finished within " + this.closeTimeLimit);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean isConnectionClosed(TrackedSession session) {
		return this.connections.isConnectionClosed(session.webSocketSession());
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
	}

}

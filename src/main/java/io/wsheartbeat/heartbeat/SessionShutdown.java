package io.wsheartbeat.heartbeat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	private final HeartbeatHandler handler;

	private volatile boolean running;

	SessionShutdown(HeartbeatHandler handler) {
		this.handler = handler;
	}

	/**
	 * Opens the door, also after a {@link #stop()}: a context can be stopped and started again
	 * (Spring's test framework pauses cached contexts that way), and a server that stays shut
	 * after a restart would turn every client away.
	 */
	@Override
	public void start() {
		this.handler.acceptSessions();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		int closed = this.handler.closeAllForShutdown();
		logger.info("Shutting down: closed {} session(s) with 1001", closed);
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

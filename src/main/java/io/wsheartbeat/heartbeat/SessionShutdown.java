package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * Lets the sessions go before the web server stops, in three steps:
 *
 * <ol>
 * <li>Readiness first. Boot turns the readiness state to {@code REFUSING_TRAFFIC} as the context
 * begins to close, before any bean stops ({@code /actuator/health/readiness} answers
 * OUT_OF_SERVICE; liveness stays UP). From that event on no session is admitted: a late arrival is
 * closed with what the drain would tell it.
 * <li>The drain. With {@code heartbeat.shutdown.drain} above 0, the open sessions are closed over
 * that window, evenly ({@link SessionDrain}), with 1012 and a reason that tells the client to
 * reconnect at a random moment within the same window
 * ({@link CloseCodes#serviceRestart}): a node's clients arrive at the others at the paced rate,
 * not in one burst. With 0, every session gets 1001 at once, as before.
 * <li>The close handshakes. Tomcat alone would cut upgraded connections without a close frame,
 * and a client would see 1006 and could not tell a restart from a network failure; so the web
 * server stops only once the clients' replies are in, or {@code heartbeat.send-time-limit} has
 * passed.
 * </ol>
 *
 * <p>Its phase is above the web server's graceful shutdown, so it stops first, and the cluster's
 * membership, below it, leaves only after the last close. It stops asynchronously
 * ({@link #stop(Runnable)}), ending the drain early, with 1001 for the rest, before
 * {@code spring.lifecycle.timeout-per-shutdown-phase} runs out, or at a second SIGTERM.
 */
@Component
class SessionShutdown implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SessionShutdown.class);

	// How often shutdown looks whether the close handshakes it began have finished.
	private static final Duration CLOSE_CHECK_PERIOD = Duration.ofMillis(20);

	/** Boot's key, and its default, for how long one shutdown phase may take. */
	static final String PHASE_TIMEOUT_KEY = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Room left in the shutdown phase beyond the drain and the last close handshakes: the phase's
	 * clock starts a little before this bean's stop does.
	 */
	static final Duration PHASE_MARGIN = Duration.ofSeconds(1);

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	private final WebSocketConnections connections;

	private final MonotonicClock clock;

	private final Duration closeTimeLimit;

	private final Duration drain;

	// From stop() to the drain's deadline: the phase's timeout less the last close handshakes.
	private final Duration drainLimit;

	private volatile boolean running;

	SessionShutdown(SessionRegistry registry, SessionTasks tasks, ObjectProvider<WebSocketConnections> connections,
			HeartbeatProperties properties, ShutdownProperties shutdown, MonotonicClock clock, Environment environment) {
		this.registry = registry;
		this.tasks = tasks;
		this.connections = connections.getIfAvailable(() -> WebSocketConnections.PORTABLE);
		this.clock = clock;
		this.closeTimeLimit = properties.sendTimeLimit();
		this.drain = shutdown.drain();
		Duration phaseTimeout = environment.getProperty(PHASE_TIMEOUT_KEY, Duration.class, DEFAULT_PHASE_TIMEOUT);
		this.drainLimit = phaseTimeout.minus(this.closeTimeLimit).minus(PHASE_MARGIN);
		if (this.drain.compareTo(this.drainLimit) > 0) {
			throw new IllegalStateException(PHASE_TIMEOUT_KEY + " (" + phaseTimeout + ") must cover heartbeat.shutdown.drain ("
					+ this.drain + ") plus heartbeat.send-time-limit (" + this.closeTimeLimit + ") plus " + PHASE_MARGIN
					+ ": set it to at least " + this.drain.plus(this.closeTimeLimit).plus(PHASE_MARGIN).toSeconds()
					+ "s, or shorten the drain");
		}
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
	 * The first thing a closing context does, before any bean stops: from now on, no one is
	 * admitted. A load balancer that reads readiness sends no one new; one that does not gets a
	 * close that tells its clients when to come back.
	 */
	@EventListener
	void readinessChanged(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
			this.registry.stopAdmitting(turnAway());
			logger.info("Readiness is {}: admitting no new session", event.getState());
		}
	}

	private CloseStatus turnAway() {
		return this.drain.isZero() ? CloseCodes.SHUTTING_DOWN : CloseCodes.serviceRestart(this.drain);
	}

	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Drains the sessions (or closes them all at once with 1001), then waits for their close
	 * handshakes, for at most {@code heartbeat.send-time-limit}. The web server stops next, and a
	 * connection it cuts with the client's close reply still unread is reset: the client would
	 * then report 1006 instead of the code it was sent.
	 */
	@Override
	public void stop(Runnable callback) {
		this.running = false;
		CloseStatus turnAway = turnAway();
		this.registry.stopAdmitting(turnAway); // also where no readiness event came (a plain stop)
		CompletableFuture<SessionDrain.Result> closed;
		SecondSignal second = null;
		if (this.drain.isZero() || this.registry.size() == 0) {
			closed = CompletableFuture.completedFuture(allAtOnce());
		}
		else {
			List<TrackedSession> open = List.copyOf(this.registry.sessions());
			SessionDrain drain = new SessionDrain(open, this.drain, turnAway,
					this.clock.nanoTime() + this.drainLimit.toNanos(), this.registry, this.tasks, this.clock);
			second = SecondSignal.onSignal(drain::endEarly);
			logger.info("Shutting down: draining {} session(s) over {} with 1012", open.size(), this.drain);
			closed = drain.start();
		}
		SecondSignal signals = second;
		closed.thenCompose(this::awaitCloseHandshakes).whenComplete((result, ex) -> {
			if (signals != null) {
				signals.close();
			}
			if (ex != null) {
				logger.warn("Shutting down: the sessions' closes failed", ex);
			}
			callback.run();
		});
	}

	private SessionDrain.Result allAtOnce() {
		List<TrackedSession> closed = this.registry.closeAllForShutdown();
		return new SessionDrain.Result(closed, 0, closed.size(), false);
	}

	private CompletableFuture<Void> awaitCloseHandshakes(SessionDrain.Result result) {
		List<TrackedSession> closed = result.closed();
		return this.tasks.whenHolds(() -> closed.stream().allMatch(this::isConnectionClosed), CLOSE_CHECK_PERIOD,
				this.closeTimeLimit)
			.thenAccept((finished) -> logger.info("Shutting down: closed {} session(s){}{}{}", closed.size(),
					(result.drained() > 0) ? ", " + result.drained() + " drained with 1012 over " + this.drain : "",
					(result.cutShort() > 0) ? ", " + result.cutShort() + " with 1001"
							+ (result.endedEarly() ? " (the drain was cut short)" : "") : "",
					finished ? "" : "; " + closed.stream().filter((session) -> !isConnectionClosed(session)).count()
							+ " close handshake(s) not finished within " + this.closeTimeLimit));
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

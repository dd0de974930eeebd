package io.wsheartbeat.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.ShutdownProperties;
import io.wsheartbeat.heartbeat.TrackedSession;
import io.wsheartbeat.heartbeat.protocol.CloseCodes;

/**
 * Shows why reconnect delays need jitter. Opens N synthetic clients to this server's own
 * {@code /ws} over loopback, closes them all at once with 1012 (service restart), lets each come
 * back after its backoff delay, and counts the reconnects per 100 ms. With a fixed delay, as in
 * the reference page, they all return in the same instant: the thundering herd that knocks a
 * freshly restarted server over again. With full jitter they spread over the first delay.
 *
 * <p>Bounded: at most {@code heartbeat.demo.storm-max-clients} clients, one storm at a time, and
 * a time limit after which whoever has not come back counts as failed. Its threads (one timer,
 * four connecting, and the HTTP client's selector) live as long as this bean, which exists only
 * with {@code heartbeat.demo.faults-enabled} (the demo profile).
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.demo.faults-enabled")
class RestartStorm implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RestartStorm.class);

	static final long BUCKET_MILLIS = 100;

	/** The reference page's reconnect delay. */
	static final Duration REFERENCE_DELAY = Duration.ofSeconds(5);

	private static final CloseStatus SERVICE_RESTART = CloseStatus.SERVICE_RESTARTED.withReason("restart storm");

	private static final Duration CONNECT_TIME_LIMIT = Duration.ofSeconds(30);

	private final SessionRegistry registry;

	private final HeartbeatProperties properties;

	private final DemoProperties demo;

	private final Environment environment;

	// The paced storm's window: heartbeat.shutdown.drain, or 10 s where the drain is off.
	private final Duration drain;

	private final AtomicBoolean running = new AtomicBoolean();

	private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
			new CustomizableThreadFactory("storm-timer-"));

	private final ExecutorService connecting = Executors.newFixedThreadPool(4,
			new CustomizableThreadFactory("storm-connect-"));

	private final StormClient.Network network;

	RestartStorm(SessionRegistry registry, HeartbeatProperties properties, DemoProperties demo, Environment environment,
			JsonMapper jsonMapper, ShutdownProperties shutdown) {
		this.registry = registry;
		this.drain = shutdown.paced() ? shutdown.drain() : Duration.ofSeconds(10);
		this.properties = properties;
		this.demo = demo;
		this.environment = environment;
		this.network = new StormClient.Network(HttpClient.newBuilder().executor(this.connecting).build(),
				this.connecting, this.timers, jsonMapper);
		this.timers.setRemoveOnCancelPolicy(true);
	}

	/** The backoff rules a storm can compare. */
	enum Backoff {

		FULL_JITTER("full-jitter"),

		/**
		 * The server's restart as it is now: the clients closed over the drain's window, each with
		 * 1012 and the window, each reconnecting at random within it (then full jitter).
		 */
		PACED_DRAIN("paced-drain"),

		FIXED("fixed");

		private final String wireName;

		Backoff(String wireName) {
			this.wireName = wireName;
		}

		String wireName() {
			return this.wireName;
		}

	}

	/**
	 * Runs one storm and waits for it to end.
	 * @return its result, or empty if another storm is running
	 * @throws IllegalArgumentException if {@code clients} is out of bounds
	 * @throws IllegalStateException if the clients could not connect
	 */
	Optional<StormResult> run(int clients, Backoff backoff) {
		if (clients < 1 || clients > this.demo.stormMaxClients()) {
			throw new IllegalArgumentException("clients must be from 1 to "
					+ this.demo.stormMaxClients() + " (heartbeat.demo.storm-max-clients)");
		}
		if (!this.running.compareAndSet(false, true)) {
			return Optional.empty();
		}
		List<StormClient> fleet = new ArrayList<>(clients);
		try {
			ReconnectBackoff jitter = ReconnectBackoff.fullJitter(this.properties.reconnect(), Math::random);
			ReconnectBackoff delays = switch (backoff) {
				case FIXED -> ReconnectBackoff.fixed(REFERENCE_DELAY);
				case FULL_JITTER -> jitter;
				// The page's client: the first delay drawn from the window its 1012 names, then its backoff.
				case PACED_DRAIN -> (attempt) -> (attempt == 0)
						? Duration.ofMillis((long) (Math.random() * this.drain.toMillis())) : jitter.delay(attempt - 1);
			};
			URI uri = URI.create("ws://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port") + "/ws");
			for (int i = 0; i < clients; i++) {
				fleet.add(new StormClient(uri, delays, this.network));
			}
			CompletableFuture.allOf(fleet.stream().map(StormClient::firstWelcome).toArray(CompletableFuture[]::new))
				.get(CONNECT_TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS);

			Set<String> ids = ConcurrentHashMap.newKeySet();
			fleet.forEach((client) -> ids.add(client.sessionId()));
			long restartedAt = System.nanoTime();
			fleet.forEach((client) -> client.restartAt(restartedAt));
			Duration limit;
			if (backoff == Backoff.PACED_DRAIN) {
				drainAsARestartWould(ids);
				limit = this.drain.multipliedBy(2).plus(this.properties.reconnect().maxDelay()).plus(Duration.ofSeconds(5));
			}
			else {
				closeAsARestartWould(ids);
				limit = delays.delay(0).plus(this.properties.reconnect().maxDelay()).plus(Duration.ofSeconds(5));
			}
			CompletableFuture.allOf(fleet.stream().map(StormClient::comeback).toArray(CompletableFuture[]::new))
				.completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS)
				.join();
			return Optional.of(result(backoff, fleet));
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("the restart storm could not open its clients: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("the restart storm was interrupted", ex);
		}
		finally {
			fleet.forEach(StormClient::close);
			this.running.set(false);
		}
	}

	/**
	 * Closes the storm's own sessions at once with 1012, as a restarting server would close all
	 * of its own. Each leaves the registry as it closes, with that code: the view shows why.
	 */
	private void closeAsARestartWould(Set<String> ids) {
		for (TrackedSession session : this.registry.sessions()) {
			if (ids.contains(session.id())) {
				session.close(SERVICE_RESTART);
			}
		}
	}

	/**
	 * Closes the storm's own sessions as a node told to stop does now: evenly over the drain's
	 * window, each with 1012 and the window to reconnect within. Each close is scheduled, none
	 * waited for.
	 */
	private void drainAsARestartWould(Set<String> ids) {
		List<TrackedSession> sessions = this.registry.sessions().stream().filter((s) -> ids.contains(s.id())).toList();
		CloseStatus status = CloseCodes.serviceRestart(this.drain);
		long window = this.drain.toNanos();
		for (int i = 0; i < sessions.size(); i++) {
			TrackedSession session = sessions.get(i);
			this.timers.schedule(() -> session.close(status), window * (i + 1) / sessions.size(), TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void destroy() {
		this.timers.shutdownNow();
		this.connecting.shutdownNow();
	}

	private StormResult result(Backoff backoff, List<StormClient> fleet) {
		List<Long> comebacks = fleet.stream()
			.filter((client) -> client.comeback().isDone())
			.map((client) -> client.comeback().join())
			.toList();
		int buckets = (int) (comebacks.stream().mapToLong(Long::longValue).max().orElse(0) / BUCKET_MILLIS) + 1;
		List<Integer> perBucket = new ArrayList<>(Collections.nCopies(buckets, 0));
		for (long millis : comebacks) {
			int bucket = (int) (millis / BUCKET_MILLIS);
			perBucket.set(bucket, perBucket.get(bucket) + 1);
		}
		int largest = perBucket.stream().mapToInt(Integer::intValue).max().orElse(0);
		double share = comebacks.isEmpty() ? 0 : (double) largest / comebacks.size();
		logger.info("Restart storm ({}): {} of {} clients back, largest 100 ms bucket {} ({}%)", backoff.wireName(),
				comebacks.size(), fleet.size(), largest, Math.round(share * 100));
		return new StormResult(backoff.wireName(), fleet.size(), comebacks.size(), fleet.size() - comebacks.size(),
				BUCKET_MILLIS, perBucket, share);
	}

}

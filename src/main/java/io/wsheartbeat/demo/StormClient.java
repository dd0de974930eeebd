package io.wsheartbeat.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One synthetic client of a {@link RestartStorm}: connects, and after the server's 1012 reconnects once its backoff
 * delay has passed, retrying with the next attempt's delay if the server turns it away.
 */
final class StormClient {

	private static final int MAX_ATTEMPTS = 5;

	private final URI uri;

	private final ReconnectBackoff delays;

	private final CompletableFuture<String> firstWelcome = new CompletableFuture<>();

	private final CompletableFuture<Long> comeback = new CompletableFuture<>();

	private final AtomicInteger attempt = new AtomicInteger();

	private volatile long restartedAt;

	private volatile WebSocket socket;

	private volatile boolean closed;

	// The retry waiting for its delay, cancelled if the storm ends first.
	private volatile ScheduledFuture<?> pendingRetry;

	/** What every client of a storm shares: the connections' threads and timers, and the JSON reader. */
	record Network(HttpClient http, ExecutorService connecting, ScheduledExecutorService timers, JsonMapper jsonMapper) {
	}

	private final Network network;

	StormClient(URI uri, ReconnectBackoff delays, Network network) {
		this.uri = uri;
		this.delays = delays;
		this.network = network;
		connect();
	}

	CompletableFuture<String> firstWelcome() {
		return this.firstWelcome;
	}

	String sessionId() {
		return this.firstWelcome.join();
	}

	void restartAt(long nanoTime) {
		this.restartedAt = nanoTime;
	}

	/**
	 * Milliseconds from the restart to the attempt that brought this client back: when it
	 * knocked, which is what the server feels, not when its welcome arrived.
	 */
	CompletableFuture<Long> comeback() {
		return this.comeback;
	}

	/**
	 * Records when the attempt was made and hands the connecting to another thread, so that
	 * hundreds of attempts due in the same instant are recorded in that instant, as the
	 * server would feel them, not one after another behind the timer thread.
	 */
	private void connect() {
		if (this.closed) {
			return;
		}
		long attemptedAt = System.nanoTime();
		try {
			CompletableFuture.runAsync(() -> open(attemptedAt), this.network.connecting());
		}
		catch (RejectedExecutionException ex) {
			// The server is shutting down.
		}
	}

	private void open(long attemptedAt) {
		this.network.http().newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(10))
			.buildAsync(this.uri, new Listener(attemptedAt))
			.whenComplete((socket, failure) -> {
				if (failure != null) {
					retry();
				}
				else {
					this.socket = socket;
					if (this.closed) {
						socket.abort(); // the storm ended while this attempt was under way
					}
				}
			});
	}

	private void welcomed(String sessionId, long attemptedAt) {
		if (!this.firstWelcome.isDone()) {
			this.firstWelcome.complete(sessionId);
		}
		else {
			this.comeback.complete(Duration.ofNanos(attemptedAt - this.restartedAt).toMillis());
		}
	}

	private void closedByServer() {
		if (this.firstWelcome.isDone() && !this.comeback.isDone()) {
			retry();
		}
	}

	private void retry() {
		int next = this.attempt.getAndIncrement();
		if (next >= MAX_ATTEMPTS || this.closed) {
			return;
		}
		try {
			this.pendingRetry = this.network.timers().schedule(this::connect, this.delays.delay(next).toMillis(),
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The server is shutting down.
		}
	}

	void close() {
		this.closed = true;
		ScheduledFuture<?> retry = this.pendingRetry;
		if (retry != null) {
			retry.cancel(false);
		}
		WebSocket current = this.socket;
		if (current != null) {
			current.abort();
		}
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private final long attemptedAt;

		Listener(long attemptedAt) {
			this.attemptedAt = attemptedAt;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				JsonNode frame = StormClient.this.network.jsonMapper().readTree(this.text.toString());
				this.text.setLength(0);
				if ("welcome".equals(frame.path("type").asString())) {
					welcomed(frame.path("sessionId").asString(), this.attemptedAt);
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			closedByServer();
			return null;
		}

	}

}

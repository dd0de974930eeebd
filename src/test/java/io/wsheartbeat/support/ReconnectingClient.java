package io.wsheartbeat.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A client that reconnects as the page does: after every close or failed attempt it waits
 * random(0, min(maxDelay, initialDelay x multiplier^attempt)) (full jitter), and a welcome resets
 * the attempt count. Records every close code it hears and when its latest welcome came.
 */
public final class ReconnectingClient {

	private final HttpClient http;

	private final URI uri;

	private final ScheduledExecutorService timers;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final double multiplier;

	private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

	private volatile int attempt;

	private volatile long lastWelcomeNanos = Long.MIN_VALUE;

	private volatile WebSocket socket;

	private volatile boolean stopped;

	public ReconnectingClient(HttpClient http, URI uri, ScheduledExecutorService timers, Duration initialDelay,
			Duration maxDelay, double multiplier) {
		this.http = http;
		this.uri = uri;
		this.timers = timers;
		this.initialDelay = initialDelay;
		this.maxDelay = maxDelay;
		this.multiplier = multiplier;
	}

	public void start() {
		connect();
	}

	/** Whether a welcome arrived after {@code nanoTime}: connected to the server that runs since then. */
	public boolean welcomedSince(long nanoTime) {
		long welcomed = this.lastWelcomeNanos;
		return welcomed != Long.MIN_VALUE && welcomed - nanoTime > 0;
	}

	public List<Integer> closeCodes() {
		return List.copyOf(this.closeCodes);
	}

	public void stop() {
		this.stopped = true;
		WebSocket current = this.socket;
		if (current != null) {
			current.abort();
		}
	}

	@Override
	public String toString() {
		return "ReconnectingClient[attempt " + this.attempt + ", closes " + this.closeCodes + ", socket "
				+ ((this.socket != null) ? (this.socket.isInputClosed() ? "input closed" : "open") : "none") + "]";
	}

	private void connect() {
		if (this.stopped) {
			return;
		}
		this.http.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(this.uri, new Listener())
			.whenComplete((webSocket, failure) -> {
				if (failure != null) {
					reconnectLater();
				}
				else {
					this.socket = webSocket;
				}
			});
	}

	private void reconnectLater() {
		if (this.stopped) {
			return;
		}
		double cap = Math.min(this.maxDelay.toMillis(), this.initialDelay.toMillis() * Math.pow(this.multiplier, this.attempt));
		this.attempt++;
		long delay = (long) (ThreadLocalRandom.current().nextDouble() * cap);
		this.timers.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
	}

	private final class Listener implements WebSocket.Listener {

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (data.toString().contains("\"welcome\"")) {
				ReconnectingClient.this.attempt = 0;
				ReconnectingClient.this.lastWelcomeNanos = System.nanoTime();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			ReconnectingClient.this.closeCodes.add(statusCode);
			reconnectLater();
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			ReconnectingClient.this.closeCodes.add(SocketClient.ABNORMAL);
			reconnectLater();
		}

	}

}

package io.wsheartbeat.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.demo.ReconnectBackoff;
import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * A client that reconnects as the page does: after every close or failed attempt it waits the
 * delay of {@link ReconnectBackoff#fullJitter} (the rule of {@code backoff.js}), and it starts
 * counting attempts from 0 again where {@code heartbeat-client.js} does, on the first
 * {@code heartbeat_ack} of a connection: a connection that is welcomed and then closed at once
 * has not proved healthy. Like the page it sends a heartbeat as soon as a connection opens; unlike
 * the page it sends only that one, so it suits servers whose timeout outlasts the test.
 *
 * <p>Records every close code it hears, when its latest welcome came, when a connection's first
 * ack last came, and, in a cluster, which node welcomed the connection it holds.
 */
public final class ReconnectingClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http;

	private final URI uri;

	private final ScheduledExecutorService timers;

	private final ReconnectBackoff backoff;

	private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

	// Delays handed out since the last reset: the attempt whose delay comes next.
	private final AtomicInteger attempt = new AtomicInteger();

	private volatile long lastWelcomeNanos = Long.MIN_VALUE;

	private volatile long lastAckNanos = Long.MIN_VALUE;

	// The welcome's "node" of the connection held now; null between connections.
	private volatile String node;

	private volatile WebSocket socket;

	private volatile boolean stopped;

	/** @param reconnect the delays, as the server hands them to the page in {@code heartbeat.reconnect.*} */
	public ReconnectingClient(HttpClient http, URI uri, ScheduledExecutorService timers,
			HeartbeatProperties.Reconnect reconnect) {
		this.http = http;
		this.uri = uri;
		this.timers = timers;
		this.backoff = ReconnectBackoff.fullJitter(reconnect, Math::random);
	}

	public void start() {
		connect();
	}

	/** Whether a welcome arrived after {@code nanoTime}: connected to the server that runs since then. */
	public boolean welcomedSince(long nanoTime) {
		return after(this.lastWelcomeNanos, nanoTime);
	}

	/**
	 * Whether a connection's first heartbeat was acked after {@code nanoTime}: the connection to
	 * the server that runs since then proved healthy, and the attempt count is back at 0, as the
	 * page's would be.
	 */
	public boolean ackedSince(long nanoTime) {
		return after(this.lastAckNanos, nanoTime);
	}

	/**
	 * The node that welcomed the connection this client holds (the welcome's {@code node}), or
	 * {@code null} while it holds none, or was not yet welcomed, or the server is not in a cluster.
	 */
	public String node() {
		return this.node;
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

	private static boolean after(long event, long nanoTime) {
		return event != Long.MIN_VALUE && event - nanoTime > 0;
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
		Duration delay = this.backoff.delay(this.attempt.getAndIncrement());
		this.timers.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** One per connection, so what it remembers (a frame in parts, the first ack) is that connection's. */
	private final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private boolean acked;

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
			// As the page does on open: only the ack to this proves the connection healthy.
			webSocket.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + System.currentTimeMillis() + "}", true);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				String frame = this.text.toString();
				this.text.setLength(0);
				if (frame.contains("\"welcome\"")) {
					ReconnectingClient.this.node = json.readTree(frame).path("node").stringValue(null);
					ReconnectingClient.this.lastWelcomeNanos = System.nanoTime();
				}
				else if (!this.acked && frame.contains("\"heartbeat_ack\"")) {
					this.acked = true;
					ReconnectingClient.this.attempt.set(0);
					ReconnectingClient.this.lastAckNanos = System.nanoTime();
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			ReconnectingClient.this.node = null;
			ReconnectingClient.this.closeCodes.add(statusCode);
			reconnectLater();
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			ReconnectingClient.this.node = null;
			ReconnectingClient.this.closeCodes.add(SocketClient.ABNORMAL);
			reconnectLater();
		}

	}

}

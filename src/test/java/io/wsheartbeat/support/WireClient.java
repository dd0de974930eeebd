package io.wsheartbeat.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A real WebSocket client for tests (the JDK's), that keeps every frame it receives and the
 * close the server sent. It answers pings with pongs, as browsers do.
 */
public final class WireClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<JsonNode> received = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Closed> closed = new CompletableFuture<>();

	private final AtomicInteger pings = new AtomicInteger();

	private final WebSocket webSocket;

	/** How and when the server closed the connection; {@code nanoTime} is when it arrived. */
	public record Closed(int code, String reason, long nanoTime) {
	}

	private WireClient(WebSocket.Builder builder, URI uri) {
		this.webSocket = builder.buildAsync(uri, new Listener()).join();
	}

	public static WireClient connect(int port) {
		return connect(port, Map.of());
	}

	public static WireClient connect(int port, String origin) {
		return connect(port, Map.of("Origin", origin));
	}

	public static WireClient connect(int port, Map<String, String> headers) {
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		headers.forEach(builder::header);
		return new WireClient(builder, URI.create("ws://127.0.0.1:" + port + "/ws"));
	}

	public void send(String text) {
		this.webSocket.sendText(text, true).join();
	}

	/** Sends one frame of a text message: the first, a continuation, or with {@code last} the final one. */
	public void sendPart(String text, boolean last) {
		this.webSocket.sendText(text, last).join();
	}

	public void sendBinary(byte[] bytes) {
		this.webSocket.sendBinary(ByteBuffer.wrap(bytes), true).join();
	}

	public void heartbeat(long timestamp) {
		send("{\"type\":\"heartbeat\",\"timestamp\":" + timestamp + "}");
	}

	/**
	 * Sends a heartbeat unless the server has begun closing the connection: a flood meets the
	 * server's close part-way, and the send after it fails with "output closed".
	 * @return whether it was sent
	 */
	public boolean tryHeartbeat(long timestamp) {
		try {
			heartbeat(timestamp);
			return true;
		}
		catch (CompletionException ex) {
			if (this.webSocket.isOutputClosed()) {
				return false;
			}
			throw ex;
		}
	}

	public void heartbeat(long timestamp, Duration interval) {
		send("{\"type\":\"heartbeat\",\"timestamp\":" + timestamp + ",\"interval\":" + interval.toMillis() + "}");
	}

	/** Waits for the first frame received, from the start, that has this type and passes the test. */
	public JsonNode awaitFrame(String type, Predicate<JsonNode> test) {
		return await().atMost(Duration.ofSeconds(5))
			.until(() -> this.received.stream()
				.filter((frame) -> type.equals(frame.path("type").asString()) && test.test(frame))
				.findFirst()
				.orElse(null), (frame) -> frame != null);
	}

	public JsonNode awaitFrame(String type) {
		return awaitFrame(type, (frame) -> true);
	}

	public long count(String type) {
		return this.received.stream().filter((frame) -> type.equals(frame.path("type").asString())).count();
	}

	public List<JsonNode> received() {
		return List.copyOf(this.received);
	}

	public int pingsReceived() {
		return this.pings.get();
	}

	public CompletableFuture<Closed> closed() {
		return this.closed;
	}

	public boolean isClosed() {
		return this.closed.isDone();
	}

	/**
	 * Closes with 1000 and waits for the server's close in reply: a clean close on both sides,
	 * where {@link #close()} may drop the connection before the server read the close frame.
	 * @return the server's close
	 */
	public Closed closeNormally() {
		this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "test over").join();
		return this.closed.orTimeout(5, TimeUnit.SECONDS).join();
	}

	@Override
	public void close() {
		if (!this.webSocket.isOutputClosed()) {
			this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "test over");
		}
		this.webSocket.abort();
	}

	private final class Listener implements WebSocket.Listener {

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				WireClient.this.received.add(json.readTree(this.partial.toString()));
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
			WireClient.this.pings.incrementAndGet();
			return WebSocket.Listener.super.onPing(webSocket, message);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			WireClient.this.closed.complete(new Closed(statusCode, reason, System.nanoTime()));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			WireClient.this.closed.complete(new Closed(1006, String.valueOf(error), System.nanoTime()));
		}

	}

}

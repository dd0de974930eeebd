package io.wsheartbeat.warmup;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's WebSocket client, run against this server over loopback: {@code concurrency} lanes,
 * each opening a session, awaiting its welcome, beating and awaiting each ack, closing with 1000
 * and awaiting the close reply, then opening the next, until {@code handshakes} sessions were
 * opened or the time limit ran out. Every wait is bounded by what is left of the time limit.
 */
final class WarmUpClient {

	private static final Logger logger = LoggerFactory.getLogger(WarmUpClient.class);

	// A server that keeps failing is not warmed by more attempts; its own log says why.
	private static final int FAILURES_AT_MOST = 10;

	/** What a warm-up did. */
	record Result(int handshakes, long acks, int failures, Duration took) {
	}

	private final WarmUpProperties properties;

	private final AtomicInteger started = new AtomicInteger();

	private final AtomicInteger welcomed = new AtomicInteger();

	private final AtomicLong acks = new AtomicLong();

	private final AtomicInteger failures = new AtomicInteger();

	private long deadlineNanos;

	WarmUpClient(WarmUpProperties properties) {
		this.properties = properties;
	}

	Result run(URI endpoint) throws InterruptedException {
		long start = System.nanoTime();
		this.deadlineNanos = start + this.properties.timeLimit().toNanos();
		AtomicInteger threads = new AtomicInteger();
		ExecutorService lanes = Executors.newFixedThreadPool(this.properties.concurrency(), (task) -> {
			Thread thread = new Thread(task, "warm-up-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		HttpClient client = HttpClient.newBuilder().connectTimeout(this.properties.timeLimit()).build();
		try {
			for (int lane = 0; lane < this.properties.concurrency(); lane++) {
				lanes.execute(() -> lane(client, endpoint));
			}
			lanes.shutdown();
			if (!lanes.awaitTermination(this.properties.timeLimit().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
				lanes.shutdownNow();
			}
		}
		finally {
			lanes.shutdownNow();
		}
		return new Result(this.welcomed.get(), this.acks.get(), this.failures.get(),
				Duration.ofNanos(System.nanoTime() - start));
	}

	private void lane(HttpClient client, URI endpoint) {
		while (timeLeft() > 0 && this.failures.get() < FAILURES_AT_MOST
				&& this.started.getAndIncrement() < this.properties.handshakes()) {
			Frames frames = new Frames();
			WebSocket socket = null;
			try {
				socket = await(client.newWebSocketBuilder().buildAsync(endpoint, frames));
				expect(frames, "\"welcome\"");
				this.welcomed.incrementAndGet();
				for (int beat = 0; beat < this.properties.heartbeatsPerSession(); beat++) {
					await(socket.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + beat + ",\"interval\":10000}", true));
					expect(frames, "\"heartbeat_ack\"");
					this.acks.incrementAndGet();
				}
				await(socket.sendClose(WebSocket.NORMAL_CLOSURE, ""));
				await(frames.closed);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				abort(socket);
				return;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				abort(socket);
				if (timeLeft() <= 0) {
					return; // the time limit, not the server: the session was cut short
				}
				if (this.failures.incrementAndGet() == 1) {
					logger.info("Warm-up session failed: {}", ex.toString());
				}
			}
		}
	}

	private static void abort(WebSocket socket) {
		if (socket != null) {
			socket.abort();
		}
	}

	private void expect(Frames frames, String type) throws InterruptedException, TimeoutException {
		String frame = frames.received.poll(timeLeft(), TimeUnit.NANOSECONDS);
		if (frame == null) {
			throw new TimeoutException("no " + type + " within the warm-up's time limit");
		}
		if (!frame.contains(type)) {
			throw new IllegalStateException("expected " + type + ", got " + frame);
		}
	}

	private <T> T await(CompletionStage<T> stage) throws InterruptedException, ExecutionException, TimeoutException {
		return stage.toCompletableFuture().get(Math.max(timeLeft(), 1), TimeUnit.NANOSECONDS);
	}

	private long timeLeft() {
		return this.deadlineNanos - System.nanoTime();
	}

	/** Text frames as they arrive, and the server's close. */
	private static final class Frames implements WebSocket.Listener {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private final StringBuilder parts = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.parts.append(data);
			if (last) {
				this.received.add(this.parts.toString());
				this.parts.setLength(0);
			}
			socket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket socket, Throwable error) {
			this.closed.completeExceptionally(error);
		}

	}

}

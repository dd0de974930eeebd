package io.wsheartbeat.heartbeat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsheartbeat.HeartbeatApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node on its own told to stop while N clients are connected: readiness turns OUT_OF_SERVICE
 * before the first close, a late arrival is turned away with 1012 (through a proxy, 503 before the
 * upgrade, for the proxy to pass on), and the N sessions are closed
 * over {@code heartbeat.shutdown.drain} with 1012 and the window to reconnect within, no 100 ms
 * of it closing more than twice the mean. 1,000 sessions over 2 s in the default run; 5,000 over
 * 10 s, as the issue asks, in the soak profile.
 */
class DrainIntegrationTests {

	private static final long BUCKET_NANOS = Duration.ofMillis(100).toNanos();

	@Test
	void shouldDrainAThousandSessionsOverTwoSecondsAfterReadinessWentOutOfService() throws Exception {
		drain(1000, Duration.ofSeconds(2));
	}

	@Test
	@Tag("soak")
	void shouldDrainFiveThousandSessionsOverTenSeconds() throws Exception {
		drain(5000, Duration.ofSeconds(10));
	}

	private void drain(int sessions, Duration window) throws Exception {
		AtomicLong refusingSince = new AtomicLong();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(HeartbeatApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"heartbeat.shutdown.drain=" + window.toMillis() + "ms", "heartbeat.server-timeout=10m",
					"heartbeat.interval=5m", "heartbeat.slow-interval=5m", "heartbeat.max-interval=5m",
					"heartbeat.server-ping-interval=0", "heartbeat.max-sessions-per-address=10000",
					"heartbeat.max-sessions=10000")
			.listeners((ApplicationListener<AvailabilityChangeEvent<ReadinessState>>) (event) -> {
				if (event.getState() == ReadinessState.REFUSING_TRAFFIC) {
					refusingSince.compareAndSet(0, System.nanoTime());
				}
			})
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpClient http = HttpClient.newHttpClient();
		List<Client> clients = new ArrayList<>();
		try {
			for (int i = 0; i < sessions; i++) {
				clients.add(Client.connect(http, port));
			}
			CompletableFuture.allOf(clients.stream().map((c) -> c.welcomed).toArray(CompletableFuture[]::new))
				.get(60, java.util.concurrent.TimeUnit.SECONDS);

			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close); // what SIGTERM does

			await().atMost(Duration.ofSeconds(5)).until(() -> refusingSince.get() != 0);
			// While it drains the web server still answers: readiness says no, liveness yes.
			assertThat(status(http, port, "/actuator/health/readiness")).as("readiness during the drain").isEqualTo(503);
			assertThat(status(http, port, "/actuator/health/liveness")).as("liveness during the drain").isEqualTo(200);
			Client late = Client.connect(http, port);
			// Through a proxy it is refused before the upgrade, so the proxy can try another node.
			HttpResponse<?> proxied = http.newWebSocketBuilder()
				.header("X-Forwarded-Proto", "http")
				.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
				})
				.handle((ws, ex) -> (ex.getCause() instanceof java.net.http.WebSocketHandshakeException refused)
						? refused.getResponse() : null)
				.get(10, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(proxied).as("a proxied handshake during the drain is refused").isNotNull();
			assertThat(proxied.statusCode()).isEqualTo(503);
			assertThat(proxied.headers().firstValue("Retry-After")).contains(String.valueOf(Math.max(1, window.toSeconds())));

			// The drain takes its window; slack for a busy machine and the last close handshakes.
			CompletableFuture.allOf(clients.stream().map((c) -> c.closed).toArray(CompletableFuture[]::new))
				.get(window.toSeconds() + 15, java.util.concurrent.TimeUnit.SECONDS);
			closing.get(30, java.util.concurrent.TimeUnit.SECONDS);

			String reason = "service restart; reconnect within " + window.toMillis() + " ms";
			assertThat(late.closed.join()).as("a late arrival is told to come back within the window")
				.isEqualTo(new Closed(1012, reason, late.closed.join().nanoTime()));
			Map<String, Long> codes = clients.stream()
				.collect(Collectors.groupingBy((c) -> c.closed.join().code() + " " + c.closed.join().reason(),
						TreeMap::new, Collectors.counting()));
			assertThat(codes).as("every session closed with 1012 and the window").isEqualTo(Map.of("1012 " + reason, (long) sessions));

			long first = clients.stream().mapToLong((c) -> c.closed.join().nanoTime()).min().orElseThrow();
			long last = clients.stream().mapToLong((c) -> c.closed.join().nanoTime()).max().orElseThrow();
			assertThat(first).as("readiness went OUT_OF_SERVICE before the first close").isGreaterThan(refusingSince.get());

			int[] buckets = new int[(int) ((last - refusingSince.get()) / BUCKET_NANOS) + 1];
			clients.forEach((c) -> buckets[(int) ((c.closed.join().nanoTime() - refusingSince.get()) / BUCKET_NANOS)]++);
			double mean = sessions / (window.toNanos() / (double) BUCKET_NANOS);
			int max = java.util.Arrays.stream(buckets).max().orElseThrow();
			LoggerFactory.getLogger(DrainIntegrationTests.class)
				.info("{} sessions drained over {} ms (window {}); most in 100 ms: {} (mean {}); per 100 ms: {}", sessions,
						Duration.ofNanos(last - first).toMillis(), window, max, mean, java.util.Arrays.toString(buckets));
			assertThat(Duration.ofNanos(last - first)).as("the closes span the window, not an instant")
				.isGreaterThan(window.multipliedBy(8).dividedBy(10));
			// DrainPace closes at most twice a tick's share in any tick. These times are the client's,
			// and a client thread that stalls (a busy machine, a collection) receives closes the
			// server spread over the stall all at once: so the bound is taken over 300 ms, which
			// absorbs a stall of up to 200 ms and still fails any drain that bursts or catches up at once.
			int spread = 3;
			int most = 0;
			for (int i = 0; i + spread <= buckets.length; i++) {
				most = Math.max(most, java.util.Arrays.stream(buckets, i, i + spread).sum());
			}
			assertThat(most).as("no %s ms closes more than twice the mean (%s per 100 ms); per 100 ms: %s",
					spread * 100, mean, java.util.Arrays.toString(buckets))
				.isLessThanOrEqualTo((int) Math.ceil(2 * spread * mean));
		}
		finally {
			clients.forEach(Client::abort);
			context.close();
		}
	}

	private static int status(HttpClient http, int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	record Closed(int code, String reason, long nanoTime) {
	}

	/** A client that needs no thread of its own: many of them share one HttpClient. */
	static final class Client implements WebSocket.Listener {

		final CompletableFuture<Void> welcomed = new CompletableFuture<>();

		final CompletableFuture<Closed> closed = new CompletableFuture<>();

		private volatile WebSocket webSocket;

		static Client connect(HttpClient http, int port) {
			Client client = new Client();
			http.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(30))
				.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
				.whenComplete((ws, ex) -> {
					if (ex != null) {
						client.closed.complete(new Closed(-1, ex.toString(), System.nanoTime()));
						client.welcomed.completeExceptionally(ex);
					}
				});
			return client;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			this.webSocket = webSocket;
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.welcomed.complete(null);
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(new Closed(statusCode, reason, System.nanoTime()));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.complete(new Closed(1006, String.valueOf(error), System.nanoTime()));
		}

		void abort() {
			WebSocket ws = this.webSocket;
			if (ws != null) {
				ws.abort();
			}
		}

	}

}

package io.wsheartbeat.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Heartbeat round trips as a well-behaved client sees them, for tests that compare p99s. */
public final class AckRoundTrips {

	private AckRoundTrips() {
	}

	// Rounds start on a fixed-rate schedule, as real heartbeats do, rather than after a pause.
	private static final Duration ROUND_PERIOD = Duration.ofMillis(25);

	/**
	 * Sends heartbeats round-robin over the clients, one at a time, and times each ack in
	 * microseconds. One round (a heartbeat from each client) every 25 ms: 40 per second per
	 * client, below every test's message rate limit.
	 */
	public static List<Long> measure(List<SocketClient> clients, int count) throws IOException {
		List<Long> micros = Collections.synchronizedList(new ArrayList<>(count));
		CompletableFuture<List<Long>> done = new CompletableFuture<>();
		ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor();
		try {
			rounds.scheduleAtFixedRate(() -> {
				try {
					for (int c = 0; c < clients.size() && micros.size() < count; c++) {
						micros.add(roundTrip(clients.get(c), micros.size()));
					}
					if (micros.size() >= count) {
						done.complete(micros);
					}
				}
				catch (IOException | RuntimeException | AssertionError ex) {
					done.completeExceptionally(ex);
				}
			}, 0, ROUND_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
			long roundCount = (count + clients.size() - 1) / clients.size();
			return done.orTimeout(roundCount * ROUND_PERIOD.toMillis() + 30_000, TimeUnit.MILLISECONDS).join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw ex;
		}
		finally {
			rounds.shutdownNow();
		}
	}

	private static long roundTrip(SocketClient client, int i) throws IOException {
		long sent = System.nanoTime();
		client.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + i + "}");
		String ack = client.readText();
		long micros = (System.nanoTime() - sent) / 1000;
		assertThat(ack).contains("\"timestamp\":" + i + ",");
		return micros;
	}

	/**
	 * The most a p99 (us) may reach under load: three times the unloaded p99, and at least a
	 * twentieth of the send time limit. The faults these comparisons guard against (a thread
	 * blocked behind a dead or flooding peer) hold acks for up to the send time limit. Short of
	 * that, a p99 follows the machine, not the code: the load itself takes CPU from the clients
	 * measured, and on two shared cores beside other work a p99 of a few hundred samples moves by
	 * tens of milliseconds with nothing stalled.
	 */
	public static long allowedUnderLoad(long unloadedP99, Duration sendTimeLimit) {
		return Math.max(3 * unloadedP99, sendTimeLimit.dividedBy(20).toNanos() / 1000);
	}

	public static long p99(List<Long> samples) {
		List<Long> sorted = new ArrayList<>(samples);
		Collections.sort(sorted);
		return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
	}

}

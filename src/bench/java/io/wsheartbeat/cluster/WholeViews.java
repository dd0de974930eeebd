package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.List;

import io.wsheartbeat.sessions.ClusterSummary;

/**
 * Whether every node's view is whole: every node's {@link ClusterSessions#summary()} lists every
 * node with the count it holds (within {@code slack}), and paging through every node's sessions
 * ({@link ClusterSessions#sessions}) gives the sessions that node holds, but those that opened or
 * closed in the last {@link #IN_FLIGHT}. The pages are read by one node per check, in turn:
 * every node reads the same keys.
 */
final class WholeViews {

	/** Changes younger than this may be missing from a view that is otherwise whole. */
	static final Duration IN_FLIGHT = Duration.ofSeconds(1);

	/** How long a view may take to be whole again before the harness gives up on it. */
	static final Duration WHOLE_AT_MOST = Duration.ofSeconds(90);

	static final int PAGE = 1000;

	/** Waits on the harness's clock. */
	interface Waiting {

		void await(Duration duration) throws Exception;

	}

	private final List<ScaleNode> nodes;

	private final int slack;

	private final Waiting waiting;

	private final List<String> failures;

	WholeViews(List<ScaleNode> nodes, int slack, Waiting waiting, List<String> failures) {
		this.nodes = nodes;
		this.slack = slack;
		this.waiting = waiting;
		this.failures = failures;
	}

	/** Waits until every view is whole; the time since {@code sinceNanos}. */
	Duration untilWhole(long sinceNanos) throws Exception {
		long deadline = sinceNanos + WHOLE_AT_MOST.toNanos();
		int turn = 0;
		while (System.nanoTime() < deadline) {
			if (summariesWhole()) {
				long checked = System.nanoTime() - IN_FLIGHT.toNanos();
				ScaleNode reader = this.nodes.get(turn++ % this.nodes.size());
				if (pagesWhole(reader, checked)) {
					return Duration.ofNanos(System.nanoTime() - sinceNanos);
				}
			}
			this.waiting.await(Duration.ofMillis(100));
		}
		this.failures.add("a view was not whole within " + WHOLE_AT_MOST);
		return WHOLE_AT_MOST;
	}

	// Every node lists every node, each with the count it holds (within one tick of churn).
	private boolean summariesWhole() {
		for (ScaleNode node : this.nodes) {
			ClusterSummary summary = node.view.summary();
			if (!summary.redisReachable() || summary.nodes().size() != this.nodes.size()) {
				return false;
			}
			for (ClusterSummary.Node listed : summary.nodes()) {
				ScaleNode actual = byId(listed.id());
				if (actual == null || Math.abs(listed.sessions() - actual.sessions.count()) > this.slack) {
					return false;
				}
			}
		}
		return true;
	}

	private boolean pagesWhole(ScaleNode reader, long sinceNanos) {
		for (ScaleNode node : this.nodes) {
			try {
				if (!node.sessions.agrees(reader.pageThrough(node.id, PAGE), sinceNanos)) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false; // Redis not there yet
			}
		}
		return true;
	}

	private ScaleNode byId(String id) {
		for (ScaleNode node : this.nodes) {
			if (node.id.equals(id)) {
				return node;
			}
		}
		return null;
	}

}

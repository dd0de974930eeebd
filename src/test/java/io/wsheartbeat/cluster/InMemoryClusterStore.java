package io.wsheartbeat.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * The cluster's store in memory, with the same judgement as judge.lua, on a clock the test sets
 * ({@link #now}, ms): drives the membership without Redis. It can be made unreachable
 * ({@link #down}), or to fail its next calls after doing their work, as a command whose answer
 * timed out does ({@link #loseAnswers}). Entries that cannot be read are kept as {@code null}.
 */
final class InMemoryClusterStore implements ClusterStore {

	final Map<String, NodeEntry> nodes = new TreeMap<>();

	final Map<String, Map<String, Announced>> sessions = new TreeMap<>();

	final List<ClosedRecord> closed = new ArrayList<>();

	long now = 1_000_000;

	Long lastRenewal;

	boolean down;

	int answersToLose;

	int registrations;

	private final long lease;

	private final long quiet;

	InMemoryClusterStore(long leaseMillis, long quietMillis) {
		this.lease = leaseMillis;
		this.quiet = quietMillis;
	}

	void loseAnswers(int count) {
		this.answersToLose = count;
	}

	private void reach() {
		if (this.down) {
			throw new IllegalStateException("store down");
		}
	}

	private <T> T answer(T answer) {
		if (this.answersToLose > 0) {
			this.answersToLose--;
			throw new IllegalStateException("the answer timed out (the work was done)");
		}
		return answer;
	}

	private record Judged(boolean outage, Map<String, NodeEntry> lost, Map<String, Boolean> unreadable) {
	}

	// judge.lua's judgement.
	private Judged judge() {
		boolean outage = this.lastRenewal != null && this.now - this.lastRenewal > this.quiet;
		Map<String, NodeEntry> lost = new LinkedHashMap<>();
		Map<String, Boolean> unreadable = new LinkedHashMap<>();
		for (Map.Entry<String, NodeEntry> node : List.copyOf(this.nodes.entrySet())) {
			NodeEntry entry = node.getValue();
			if (entry == null) {
				unreadable.put(node.getKey(), true);
			}
			else if (outage && entry.lease() < this.now + this.lease) {
				this.nodes.put(node.getKey(), withLease(entry, this.now + this.lease));
			}
			else if (entry.lease() < this.now) {
				this.nodes.remove(node.getKey());
				this.sessions.remove(node.getKey());
				lost.put(node.getKey(), entry);
			}
		}
		this.lastRenewal = this.now;
		return new Judged(outage, lost, unreadable);
	}

	private LeaseAnswer answerOf(Judged judged, boolean granted, NodeEntry holder) {
		int live = 0;
		int held = 0;
		for (NodeEntry entry : this.nodes.values()) {
			if (entry != null) {
				live++;
				held += entry.sessions();
			}
		}
		return new LeaseAnswer(granted, this.now, judged.outage(), live, held, judged.lost(), judged.unreadable(), holder);
	}

	private static NodeEntry withLease(NodeEntry entry, long lease) {
		return new NodeEntry(entry.inc(), lease, entry.sessions(), entry.address(), entry.started());
	}

	@Override
	public LeaseAnswer register(String node, String inc, String address, long started,
			Map<String, Announced> sessions) {
		reach();
		Judged judged = judge();
		NodeEntry held = this.nodes.get(node);
		if (held != null && !held.inc().equals(inc)) {
			return answer(answerOf(judged, false, held));
		}
		this.registrations++;
		this.sessions.put(node, new LinkedHashMap<>(sessions));
		this.nodes.put(node, new NodeEntry(inc, this.now + this.lease, sessions.size(), address, started));
		return answer(answerOf(judged, true, null));
	}

	@Override
	public LeaseAnswer renew(String node, String inc, int sessions) {
		reach();
		Judged judged = judge();
		NodeEntry mine = this.nodes.get(node);
		if (mine != null && mine.inc().equals(inc)) {
			this.nodes.put(node, new NodeEntry(inc, this.now + this.lease, sessions, mine.address(), mine.started()));
			return answer(answerOf(judged, true, null));
		}
		return answer(answerOf(judged, false, mine));
	}

	@Override
	public boolean announce(String node, String inc, int sessions, boolean replace, List<Opened> opened,
			List<Closed> closed) {
		reach();
		NodeEntry mine = this.nodes.get(node);
		if (mine == null || !mine.inc().equals(inc)) {
			return answer(false);
		}
		Map<String, Announced> held = this.sessions.computeIfAbsent(node, (id) -> new LinkedHashMap<>());
		if (replace) {
			held.clear();
		}
		opened.forEach((session) -> held.put(session.id(), new Announced(session.remoteAddress(), session.connectedAt())));
		closed.forEach((session) -> {
			held.remove(session.id());
			this.closed.add(0, new ClosedRecord(session.id(), node, session.remoteAddress(), session.connectedAt(),
					session.code(), session.reason(), session.closedAt()));
		});
		this.nodes.put(node, new NodeEntry(inc, mine.lease(), sessions, mine.address(), mine.started()));
		return answer(true);
	}

	@Override
	public boolean leave(String node, String inc) {
		reach();
		NodeEntry mine = this.nodes.get(node);
		if (mine == null || !mine.inc().equals(inc)) {
			return false;
		}
		this.nodes.remove(node);
		this.sessions.remove(node);
		return true;
	}

	@Override
	public Map<String, NodeEntry> nodes(Consumer<String> unreadable) {
		reach();
		Map<String, NodeEntry> readable = new TreeMap<>();
		this.nodes.forEach((id, entry) -> {
			if (entry != null) {
				readable.put(id, entry);
			}
			else {
				unreadable.accept(id);
			}
		});
		return readable;
	}

	@Override
	public SessionsSlice sessions(String node, String position, int limit, Consumer<String> unreadable) {
		reach();
		List<Map.Entry<String, Announced>> held = new ArrayList<>(this.sessions.getOrDefault(node, Map.of()).entrySet());
		int from = (position != null) ? Integer.parseInt(position) : 0;
		int to = Math.min(held.size(), from + limit);
		Map<String, Announced> slice = new LinkedHashMap<>();
		held.subList(from, to).forEach((e) -> slice.put(e.getKey(), e.getValue()));
		return new SessionsSlice(slice, (to < held.size()) ? String.valueOf(to) : null);
	}

	@Override
	public List<ClosedRecord> closed(int max, Consumer<String> unreadable) {
		reach();
		return List.copyOf(this.closed.subList(0, Math.min(max, this.closed.size())));
	}

	@Override
	public void close() {
	}

}

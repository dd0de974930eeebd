package io.wsheartbeat.sessions;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.heartbeat.SessionListener;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * The server's view of its sessions: every open one, read from the registry when asked, and the
 * ones that closed lately, which it remembers as they leave the registry, for at most
 * {@code heartbeat.view.keep-closed} and {@code heartbeat.view.max-closed} of them. With the view
 * off ({@code heartbeat.view.enabled=false}) it remembers nothing.
 *
 * <p>In cluster mode it also lists the sessions of the other nodes ({@link OtherNodes}), and
 * remembers their closes as the cluster hears of them; each entry then names its node.
 */
@Component
public class ServerView implements SessionListener {

	private static final Comparator<SessionSnapshot> OLDEST_FIRST = Comparator.comparing(SessionSnapshot::connectedAt)
		.thenComparing(SessionSnapshot::id);

	private final SessionRegistry registry;

	private final ViewProperties settings;

	private final MonotonicClock clock;

	private final Clock wallClock;

	// This node's id in a cluster, or null on its own.
	private final String node;

	private final OtherNodes otherNodes;

	// Newest first.
	private final Deque<ClosedSession> recentlyClosed = new ConcurrentLinkedDeque<>();

	@Autowired
	ServerView(SessionRegistry registry, ViewProperties settings, MonotonicClock clock, Clock wallClock,
			ObjectProvider<ServerNode> node, ObjectProvider<OtherNodes> otherNodes) {
		this.registry = registry;
		this.settings = settings;
		this.clock = clock;
		this.wallClock = wallClock;
		ServerNode serverNode = node.getIfAvailable();
		this.node = (serverNode != null) ? serverNode.id() : null;
		this.otherNodes = otherNodes.getIfAvailable();
	}

	/** A view of a server on its own. */
	ServerView(SessionRegistry registry, ViewProperties settings, MonotonicClock clock, Clock wallClock) {
		this(registry, settings, clock, wallClock, (String) null, null);
	}

	/** A view of node {@code node} of a cluster, or of a server on its own where both are {@code null}. */
	ServerView(SessionRegistry registry, ViewProperties settings, MonotonicClock clock, Clock wallClock,
			String node, OtherNodes otherNodes) {
		this.registry = registry;
		this.settings = settings;
		this.clock = clock;
		this.wallClock = wallClock;
		this.node = node;
		this.otherNodes = otherNodes;
	}

	/** Whether the view answers at all: it shows every client's address to whoever asks. */
	public boolean isEnabled() {
		return this.settings.enabled();
	}

	@Override
	public void sessionClosed(TrackedSession session, CloseStatus status) {
		if (!isEnabled()) {
			return;
		}
		long now = this.clock.nanoTime();
		remember(new ClosedSession(SessionSnapshot.of(session, this.node, now), status.getCode(),
				(status.getReason() != null) ? status.getReason() : "", this.wallClock.instant(), now));
	}

	/**
	 * Remembers that a session of another node closed, as the cluster heard of it: closed there
	 * with its code, or gone with its node.
	 */
	public void sessionClosedElsewhere(SessionSnapshot session, int closeCode, String closeReason) {
		if (!isEnabled()) {
			return;
		}
		remember(new ClosedSession(session, closeCode, closeReason, this.wallClock.instant(), this.clock.nanoTime()));
	}

	private void remember(ClosedSession closed) {
		if (this.settings.maxClosed() == 0) {
			return;
		}
		this.recentlyClosed.addFirst(closed);
		while (this.recentlyClosed.size() > this.settings.maxClosed()) {
			this.recentlyClosed.pollLast();
		}
	}

	/**
	 * Whether the other nodes' sessions can be read: always on a server of its own; in a cluster,
	 * not while this node cannot reach Redis, when the view holds this node's own only.
	 */
	public boolean isWhole() {
		return this.otherNodes == null || this.otherNodes.summary().redisReachable();
	}

	/**
	 * One page of the open sessions, node by node in the order of their ids, each node's oldest
	 * first where it is this one.
	 * @param cursor where the page starts, as an earlier page's {@link SessionsPage#next()} said,
	 * or {@code null} for the first
	 * @param limit how many sessions at most
	 * @throws IllegalArgumentException if the cursor is not one this view made
	 */
	public SessionsPage page(String cursor, int limit) {
		return page(cursor, limit, (this.otherNodes != null) ? this.otherNodes.summary() : null,
				this.clock.nanoTime(), this.wallClock.instant());
	}

	/** A page of the open sessions and those closed within {@code heartbeat.view.keep-closed}. */
	public SessionsView view(String cursor, int limit) {
		long now = this.clock.nanoTime();
		Instant at = this.wallClock.instant();
		long keepNanos = this.settings.keepClosed().toNanos();
		this.recentlyClosed.removeIf((closed) -> now - closed.closedAtNanos() > keepNanos);
		ClusterSummary summary = (this.otherNodes != null) ? this.otherNodes.summary() : null;
		SessionsPage page = page(cursor, limit, summary, now, at);
		return new SessionsView(at, page.sessions(), page.total(), page.next(), page.missing(), closed(summary, now, at),
				summary);
	}

	private List<ClosedSession> closed(ClusterSummary summary, long now, Instant at) {
		if (summary == null || !summary.redisReachable()) {
			return List.copyOf(this.recentlyClosed);
		}
		long keepNanos = this.settings.keepClosed().toNanos();
		List<ClosedSession> closed = new ArrayList<>(this.recentlyClosed);
		try {
			for (ClosedSession elsewhere : this.otherNodes.closed(this.settings.maxClosed(), at, now)) {
				if (!this.node.equals(elsewhere.session().node()) && now - elsewhere.closedAtNanos() <= keepNanos) {
					closed.add(elsewhere);
				}
			}
		}
		catch (RuntimeException ex) {
			// The open sessions say what is missing; closed ones are history, and wait for the next push.
		}
		closed.sort(Comparator.comparing(ClosedSession::closedAt).reversed());
		return (closed.size() > this.settings.maxClosed()) ? List.copyOf(closed.subList(0, this.settings.maxClosed()))
				: closed;
	}

	private SessionsPage page(String cursor, int limit, ClusterSummary summary, long now, Instant at) {
		String self = (this.node != null) ? this.node : "";
		List<String> nodes = new ArrayList<>();
		long total = this.registry.size();
		if (summary != null && summary.redisReachable()) {
			for (ClusterSummary.Node other : summary.nodes()) {
				nodes.add(other.id());
				if (!other.id().equals(self)) {
					total += other.sessions();
				}
			}
		}
		if (!nodes.contains(self)) {
			nodes.add(self);
			nodes.sort(null);
		}
		PageCursor from = PageCursor.parse(cursor, self);
		int first = (from.node() != null) ? nodes.indexOf(from.node()) : 0;
		if (first < 0) {
			// Its node left since: the page goes on with the next node in id order.
			nodes.add(from.node());
			nodes.sort(null);
			first = nodes.indexOf(from.node()) + 1;
			from = new PageCursor(null, null);
		}
		List<SessionSnapshot> sessions = new ArrayList<>(Math.min(limit, 1024));
		List<String> missing = new ArrayList<>();
		String position = from.position();
		for (int i = first; i < nodes.size(); i++, position = null) {
			String node = nodes.get(i);
			if (sessions.size() == limit) {
				return new SessionsPage(at, total, sessions, new PageCursor(node, null).toString(), missing);
			}
			int room = limit - sessions.size();
			String next = node.equals(self) ? own(position, room, now, sessions) : elsewhere(node, position, room, at, sessions, missing);
			if (next != null) {
				return new SessionsPage(at, total, sessions, new PageCursor(node, next).toString(), missing);
			}
		}
		return new SessionsPage(at, total, sessions, null, missing);
	}

	// This node's sessions, oldest first, from an offset into them.
	private String own(String position, int room, long now, List<SessionSnapshot> into) {
		List<TrackedSession> own = new ArrayList<>(this.registry.sessions());
		own.sort(Comparator.comparingLong(TrackedSession::connectedAtNanos).thenComparing(TrackedSession::id));
		int offset = (position != null) ? PageCursor.offset(position) : 0;
		int end = Math.min(own.size(), offset + room);
		for (int i = offset; i < end; i++) {
			into.add(SessionSnapshot.of(own.get(i), this.node, now));
		}
		return (end < own.size()) ? String.valueOf(end) : null;
	}

	private String elsewhere(String node, String position, int room, Instant at, List<SessionSnapshot> into,
			List<String> missing) {
		try {
			OtherNodes.Slice slice = this.otherNodes.sessions(node, position, room, at);
			into.addAll(slice.sessions());
			return slice.next();
		}
		catch (RuntimeException ex) {
			missing.add(node);
			return null;
		}
	}

}

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

import io.wsheartbeat.heartbeat.HeartbeatProperties;
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

	private final HeartbeatProperties.View settings;

	private final MonotonicClock clock;

	private final Clock wallClock;

	// This node's id in a cluster, or null on its own.
	private final String node;

	private final OtherNodes otherNodes;

	// Newest first.
	private final Deque<ClosedSession> recentlyClosed = new ConcurrentLinkedDeque<>();

	@Autowired
	ServerView(SessionRegistry registry, HeartbeatProperties properties, MonotonicClock clock, Clock wallClock,
			ObjectProvider<ServerNode> node, ObjectProvider<OtherNodes> otherNodes) {
		this.registry = registry;
		this.settings = properties.view();
		this.clock = clock;
		this.wallClock = wallClock;
		ServerNode serverNode = node.getIfAvailable();
		this.node = (serverNode != null) ? serverNode.id() : null;
		this.otherNodes = otherNodes.getIfAvailable();
	}

	/** A view of a server on its own. */
	ServerView(SessionRegistry registry, HeartbeatProperties properties, MonotonicClock clock, Clock wallClock) {
		this.registry = registry;
		this.settings = properties.view();
		this.clock = clock;
		this.wallClock = wallClock;
		this.node = null;
		this.otherNodes = null;
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

	/** Every open session as it is now, oldest first: this node's, and in a cluster every other live node's. */
	public List<SessionSnapshot> open() {
		return open(this.clock.nanoTime(), this.wallClock.instant());
	}

	/**
	 * Whether {@link #open()} holds every node's sessions: always on a server of its own; in a
	 * cluster, not while this node cannot reach Redis, when it holds this node's own only.
	 */
	public boolean isWhole() {
		return this.otherNodes == null || this.otherNodes.summary().redisReachable();
	}

	/** Open sessions and those closed within {@code heartbeat.view.keep-closed}. */
	public SessionsView view() {
		long now = this.clock.nanoTime();
		Instant at = this.wallClock.instant();
		long keepNanos = this.settings.keepClosed().toNanos();
		this.recentlyClosed.removeIf((closed) -> now - closed.closedAtNanos() > keepNanos);
		return new SessionsView(at, open(now, at), List.copyOf(this.recentlyClosed),
				(this.otherNodes != null) ? this.otherNodes.summary() : null);
	}

	private List<SessionSnapshot> open(long now, Instant at) {
		List<SessionSnapshot> open = new ArrayList<>(this.registry.size());
		for (TrackedSession session : this.registry.sessions()) {
			open.add(SessionSnapshot.of(session, this.node, now));
		}
		if (this.otherNodes != null) {
			open.addAll(this.otherNodes.openSessions(at));
		}
		open.sort(OLDEST_FIRST);
		return open;
	}

}

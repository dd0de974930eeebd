package io.wsheartbeat.sessions;

import java.time.Clock;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.heartbeat.SessionListener;
import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * The server's view of its sessions: every open one, read from the registry when asked, and the
 * ones that closed lately, which it remembers as they leave the registry, for at most
 * {@code heartbeat.view.keep-closed} and {@code heartbeat.view.max-closed} of them. With the view
 * off ({@code heartbeat.view.enabled=false}) it remembers nothing.
 */
@Component
public class ServerView implements SessionListener {

	private final SessionRegistry registry;

	private final HeartbeatProperties.View settings;

	private final MonotonicClock clock;

	private final Clock wallClock;

	// Newest first.
	private final Deque<ClosedSession> recentlyClosed = new ConcurrentLinkedDeque<>();

	ServerView(SessionRegistry registry, HeartbeatProperties properties, MonotonicClock clock, Clock wallClock) {
		this.registry = registry;
		this.settings = properties.view();
		this.clock = clock;
		this.wallClock = wallClock;
	}

	/** Whether the view answers at all: it shows every client's address to whoever asks. */
	public boolean isEnabled() {
		return this.settings.enabled();
	}

	@Override
	public void sessionClosed(TrackedSession session, CloseStatus status) {
		if (!isEnabled() || this.settings.maxClosed() == 0) {
			return;
		}
		long now = this.clock.nanoTime();
		this.recentlyClosed.addFirst(new ClosedSession(SessionSnapshot.of(session, now), status.getCode(),
				(status.getReason() != null) ? status.getReason() : "", this.wallClock.instant(), now));
		while (this.recentlyClosed.size() > this.settings.maxClosed()) {
			this.recentlyClosed.pollLast();
		}
	}

	/** Every open session as it is now, oldest first. */
	public List<SessionSnapshot> open() {
		return open(this.clock.nanoTime());
	}

	/** Open sessions and those closed within {@code heartbeat.view.keep-closed}. */
	public SessionsView view() {
		long now = this.clock.nanoTime();
		long keepNanos = this.settings.keepClosed().toNanos();
		this.recentlyClosed.removeIf((closed) -> now - closed.closedAtNanos() > keepNanos);
		return new SessionsView(this.wallClock.instant(), open(now), List.copyOf(this.recentlyClosed));
	}

	private List<SessionSnapshot> open(long now) {
		return this.registry.sessions()
			.stream()
			.map((session) -> SessionSnapshot.of(session, now))
			.sorted(Comparator.comparing(SessionSnapshot::connectedAt).thenComparing(SessionSnapshot::id))
			.toList();
	}

}

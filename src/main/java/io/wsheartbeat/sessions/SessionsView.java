package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

/**
 * What the sessions view shows at one moment: the open sessions, oldest first, and the ones that
 * closed lately, newest first.
 */
public record SessionsView(Instant at, List<SessionSnapshot> open, List<ClosedSession> recentlyClosed) {
}

package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the sessions view shows at one moment: the open sessions, oldest first, and the ones that
 * closed lately, newest first. In cluster mode, also the cluster: its nodes, and whether this
 * node can reach the others' sessions (absent on a server of its own).
 */
public record SessionsView(Instant at, List<SessionSnapshot> open, List<ClosedSession> recentlyClosed,
		@JsonInclude(JsonInclude.Include.NON_NULL) ClusterSummary cluster) {
}

package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the sessions view shows at one moment: a page of the open sessions, how many are open in
 * all, and the ones that closed lately, newest first. In cluster mode, also the cluster: its
 * nodes, and whether this node can reach the others' sessions (absent on a server of its own).
 *
 * @param openTotal open sessions in all, of which {@code open} is one page
 * @param next the cursor of the page after this one, or {@code null}
 * @param missing the nodes whose sessions could not be read for this page
 */
public record SessionsView(Instant at, List<SessionSnapshot> open, long openTotal, String next,
		List<String> missing, List<ClosedSession> recentlyClosed,
		@JsonInclude(JsonInclude.Include.NON_NULL) ClusterSummary cluster) {
}

package io.wsheartbeat.sessions;

import java.time.Instant;
import java.util.List;

/**
 * One page of the open sessions: this node's, and in a cluster every live node's, node by node
 * in the order of their ids.
 *
 * @param at when it was read
 * @param total how many sessions are open in all: this node's now, and each other node's as it
 * last told Redis
 * @param sessions this page's
 * @param next the cursor of the next page, or {@code null} after the last
 * @param missing the nodes whose sessions could not be read for this page: it lacks them
 */
public record SessionsPage(Instant at, long total, List<SessionSnapshot> sessions, String next,
		List<String> missing) {
}

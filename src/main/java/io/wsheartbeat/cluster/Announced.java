package io.wsheartbeat.cluster;

import java.time.Instant;

/**
 * A session as its node announced it, one field of that node's sessions hash (keyed by the
 * session's id), as JSON: what never changes while it is open. How silent it is, its round trip
 * and its counts change with every heartbeat, and stay with its node.
 */
record Announced(String remoteAddress, Instant connectedAt) {
}

package io.wsheartbeat.cluster;

import java.util.Map;

/**
 * What a lease renewal found, as the script returns it.
 *
 * @param renewed whether this node's lease was renewed; if not, it was lost and the node must
 * register again
 * @param now Redis's clock, ms
 * @param nodes every live node, this one included if renewed, by id
 * @param lost the nodes whose lease had run out, which this renewal removed
 */
record Renewal(boolean renewed, long now, Map<String, NodeEntry> nodes, Map<String, NodeEntry> lost) {
}

package io.wsheartbeat.cluster;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * What a node tells the others over the cluster's channel, as JSON. A node that misses one (its
 * subscription was down) finds out from the versions in the nodes hash, and reads that node's
 * sessions whole.
 *
 * @param type {@code registered}: read my sessions whole; {@code changes}: sessions opened and
 * closed, version {@code ver}; {@code lost}: node's lease ran out, and node {@code by} removed it;
 * {@code left}: node stopped
 * @param node the node it is about
 * @param inc that node's incarnation
 * @param ver the version these changes make
 * @param opened sessions opened, for {@code changes}
 * @param closed sessions closed, with their close codes, for {@code changes}
 * @param by the node that removed a lost one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Notice(String type, String node, long inc, long ver, List<Opened> opened, List<Closed> closed, String by) {

	static final String REGISTERED = "registered";

	static final String CHANGES = "changes";

	static final String LOST = "lost";

	static final String LEFT = "left";

	static Notice registered(String node, long inc) {
		return new Notice(REGISTERED, node, inc, 0, null, null, null);
	}

	static Notice changes(String node, long inc, long ver, List<Opened> opened, List<Closed> closed) {
		return new Notice(CHANGES, node, inc, ver, opened, closed, null);
	}

	static Notice left(String node, long inc) {
		return new Notice(LEFT, node, inc, 0, null, null, null);
	}

}

package io.wsheartbeat.cluster;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the store answered to a registration or a renewal, after judging every lease.
 *
 * @param granted whether this node holds its lease now (registered, or renewed)
 * @param now Redis's clock, ms
 * @param outage whether no node had renewed for so long that Redis counts as having been away:
 * then every lease was extended by a full lease, and no node was judged
 * @param nodes how many nodes are live, this one included if granted
 * @param sessions how many sessions the live nodes hold, as each last said
 * @param lost the nodes whose lease had run out, which this judgement removed, by id
 * @param unreadable the fields of the nodes hash that could not be read, by name, skipped
 * @param holder the entry that holds this node's id when it was not granted and the id is still
 * held: another process with the same id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LeaseAnswer(boolean granted, long now, boolean outage, int nodes, int sessions, Map<String, NodeEntry> lost,
		Map<String, Boolean> unreadable, NodeEntry holder) {

	LeaseAnswer {
		lost = (lost != null) ? lost : Map.of();
		unreadable = (unreadable != null) ? unreadable : Map.of();
	}

}

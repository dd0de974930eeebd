package io.wsheartbeat.cluster;

/**
 * A node as Redis holds it, one field of the nodes hash, as JSON.
 *
 * @param inc its incarnation: new at every registration, so that announcements of an earlier
 * one are told apart
 * @param ver how many batches of changes it announced in this incarnation
 * @param lease when its lease runs out, in ms by Redis's clock
 * @param sessions how many sessions it held at its last announcement
 * @param address where it can be reached
 * @param started when it started, epoch ms by its own clock
 */
record NodeEntry(long inc, long ver, long lease, int sessions, String address, long started) {

	/** This entry after a batch of changes that made version {@code ver}, leaving {@code sessions} open. */
	NodeEntry announced(long ver, int sessions) {
		return new NodeEntry(this.inc, ver, this.lease, sessions, this.address, this.started);
	}

	/** This entry with the lease {@code renewed} shows, keeping the version this node has read up to. */
	NodeEntry withLease(NodeEntry renewed) {
		return new NodeEntry(this.inc, this.ver, renewed.lease, renewed.sessions, renewed.address, this.started);
	}

}

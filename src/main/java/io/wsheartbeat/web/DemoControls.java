package io.wsheartbeat.web;

import io.wsheartbeat.cluster.ClusterProperties;
import io.wsheartbeat.demo.DemoProperties;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ShutdownProperties;

/**
 * What the pages need to know about the demo's fault controls, in milliseconds.
 *
 * @param faultsEnabled whether the server accepts simulated faults and restart storms
 * @param maxAckDelay the longest ack delay a page may ask for
 * @param suggestedAckDelay the delay the page offers first: 1.5x slow-rtt, so the round trip is
 * clearly slow, but below the ack timeout, so the page does not give up on the connection
 * @param stormMaxClients the most synthetic clients one restart storm may open
 * @param stormInitialDelay the first reconnect delay cap, over which full jitter spreads a storm
 * @param stopNode whether the page may stop the node it is on: the demo's faults in cluster mode,
 * where the page has other nodes to reconnect to
 * @param lease how long the other nodes take, at most, to find a stopped node gone
 * @param drain the window over which a node restarted gracefully closes its sessions
 */
record DemoControls(boolean faultsEnabled, long maxAckDelay, long suggestedAckDelay, int stormMaxClients,
		long stormInitialDelay, boolean stopNode, long lease, long drain) {

	static DemoControls from(HeartbeatProperties properties, DemoProperties demo, ClusterProperties cluster,
			ShutdownProperties shutdown) {
		long maxAckDelay = demo.maxAckDelay().toMillis();
		long slow = Math.round(properties.slowRtt().toMillis() * 1.5 / 100.0) * 100;
		long belowAckTimeout = properties.ackTimeout().toMillis() * 4 / 5;
		long suggested = Math.max(0, Math.min(Math.min(slow, belowAckTimeout), maxAckDelay));
		return new DemoControls(demo.faultsEnabled(), maxAckDelay, suggested, demo.stormMaxClients(),
				properties.reconnect().initialDelay().toMillis(), demo.faultsEnabled() && cluster.enabled(), cluster.lease().toMillis(),
				shutdown.drain().toMillis());
	}

}

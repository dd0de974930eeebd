package io.wsheartbeat.web;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * The timings the page's client needs, in milliseconds, as the template renders them.
 */
record ClientTimings(long interval, long ackTimeout, long serverTimeout, long slowRtt, long slowInterval,
		long maxInterval, long reconnectInitialDelay, long reconnectMaxDelay, double reconnectMultiplier) {

	static ClientTimings from(HeartbeatProperties properties) {
		HeartbeatProperties.Reconnect reconnect = properties.reconnect();
		return new ClientTimings(properties.interval().toMillis(), properties.ackTimeout().toMillis(),
				properties.serverTimeout().toMillis(), properties.slowRtt().toMillis(),
				properties.slowInterval().toMillis(), properties.maxInterval().toMillis(),
				reconnect.initialDelay().toMillis(), reconnect.maxDelay().toMillis(), reconnect.multiplier());
	}

}

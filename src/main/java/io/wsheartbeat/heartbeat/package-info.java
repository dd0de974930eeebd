/**
 * Liveness: is each client still there? The {@code /ws} handler, the registry of open sessions,
 * the reaper that closes the silent ones, the pinger that keeps idle paths open, shutdown, the
 * properties and the metrics. What it needs from the container, and the hooks the demo and the
 * server's view plug into, are interfaces here ({@link io.wsheartbeat.heartbeat.WebSocketConnections},
 * {@link io.wsheartbeat.heartbeat.SimulatedFaults}, {@link io.wsheartbeat.heartbeat.SessionListener}).
 */
package io.wsheartbeat.heartbeat;

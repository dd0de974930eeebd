/**
 * Liveness: is each client still there? The {@code /ws} handler, the registry of open sessions,
 * the reaper that closes the silent ones, the pinger that keeps idle paths open, shutdown, the
 * properties and the metrics. What it needs from the container, and the hook the server's view
 * plugs into, are interfaces here ({@link io.wsheartbeat.heartbeat.WebSocketConnections},
 * {@link io.wsheartbeat.heartbeat.SessionListener}). It knows nothing of the demo: the demo's
 * faults wrap the handler from outside, as a decorator of it.
 */
package io.wsheartbeat.heartbeat;

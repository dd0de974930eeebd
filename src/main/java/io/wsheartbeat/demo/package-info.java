/**
 * Only for the demo, switched on by the {@code demo} profile
 * ({@code heartbeat.demo.faults-enabled}): simulated faults on a session, and the restart storm.
 * Without it none of these beans exist.
 */
package io.wsheartbeat.demo;

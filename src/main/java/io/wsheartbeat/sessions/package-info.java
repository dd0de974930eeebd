/**
 * The server's view of its sessions: snapshots, the recently closed ones, {@code /api/sessions}
 * a page at a time and its live stream; in a cluster, node by node, the other nodes' read when
 * asked ({@link io.wsheartbeat.sessions.OtherNodes}). Off unless {@code heartbeat.view.enabled}:
 * it shows every client's address.
 */
package io.wsheartbeat.sessions;

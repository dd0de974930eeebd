/**
 * The server's view of its sessions: snapshots, the recently closed ones, {@code /api/sessions}
 * and its live stream. Off unless {@code heartbeat.view.enabled}: it shows every client's address.
 */
package io.wsheartbeat.sessions;

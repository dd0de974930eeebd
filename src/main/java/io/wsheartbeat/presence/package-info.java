/**
 * Presence: whether a client is there, per key rather than per WebSocket session. A key is the
 * handshake's principal, else the client id the page sends, else the session itself; it is
 * {@code online} while it has a session anywhere, {@code reconnecting} for
 * {@code heartbeat.presence.grace} after its last session was closed without the client asking,
 * and {@code offline} after that or at once when the client asked. Off unless
 * {@code heartbeat.presence.enabled}: it tells whoever asks who is online.
 *
 * <p>Hangs on the heartbeat as the view does: a {@link io.wsheartbeat.heartbeat.SessionListener}
 * feeds a {@link io.wsheartbeat.presence.PresenceBook}, kept in memory on a server of its own and
 * in Redis in a cluster, and the transitions it makes go out as events in one order.
 */
package io.wsheartbeat.presence;

/**
 * Everything that reaches into Jetty, so that Jetty serves the heartbeat as Tomcat does
 * ({@code io.wsheartbeat.tomcat}) and the two can be compared fairly: its WebSocket message size,
 * send limit and idle timeout, its listen backlog, the send limits and abrupt disconnect of a
 * session, and the warm-up's side door. Built only with {@code -Dcontainer=jetty}; nothing else in
 * the application imports Jetty.
 */
package io.wsheartbeat.jetty;

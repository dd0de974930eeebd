/**
 * Everything that reaches into Tomcat: its buffers and connection limits, its send and close time
 * limits, the handshake that leaves headers behind, and the abrupt disconnect. Nothing else in
 * the application imports Tomcat.
 */
package io.wsheartbeat.tomcat;

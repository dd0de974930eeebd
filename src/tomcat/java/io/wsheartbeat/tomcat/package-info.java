/**
 * Everything that reaches into Tomcat: its buffers and connection limits, its send and close time
 * limits, the abrupt disconnect, and the warm-up's side door. Nothing else in the application
 * imports Tomcat; this package is built only for Tomcat ({@code -Dcontainer=tomcat}, the default),
 * and {@code io.wsheartbeat.jetty} is its counterpart.
 */
package io.wsheartbeat.tomcat;

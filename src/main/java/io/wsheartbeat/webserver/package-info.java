/**
 * What the web server reads before it exists, whichever it is (Tomcat or Jetty, chosen at build
 * time with {@code -Dcontainer}): its worker threads, and the size of Tomcat's WebSocket frame
 * buffers. Environment post-processors, registered in {@code META-INF/spring.factories}; they name
 * the servers' keys and import neither.
 */
package io.wsheartbeat.webserver;

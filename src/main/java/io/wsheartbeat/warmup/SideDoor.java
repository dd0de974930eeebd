package io.wsheartbeat.warmup;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;

/**
 * The warm-up's way into the server before its port opens: a second connector of the web
 * server's, for the same application, bound to loopback on a free port, so that no client can
 * reach it. How to add and remove a connector is each container's own business: Tomcat's and
 * Jetty's are in {@code io.wsheartbeat.tomcat} and {@code io.wsheartbeat.jetty}. Without one
 * there is no warm-up.
 */
public interface SideDoor {

	/**
	 * Opens a connector into {@code server} on {@code 127.0.0.1} and a free port.
	 * @return the open door, or null if {@code server} is not this container's
	 */
	@Nullable Open open(WebServer server);

	/** An open side door. */
	interface Open extends AutoCloseable {

		/** The local port it listens on. */
		int port();

		/** Stops and removes the connector, and with it every connection through it. */
		@Override
		void close();

	}

}

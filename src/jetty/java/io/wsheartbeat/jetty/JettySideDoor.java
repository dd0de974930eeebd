package io.wsheartbeat.jetty;

import java.lang.reflect.Method;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.stereotype.Component;
import org.springframework.util.ReflectionUtils;

import io.wsheartbeat.warmup.SideDoor;

/**
 * The warm-up's side door into Jetty: a second connector on the server, on loopback and a free
 * port, started while Boot holds the server's own connectors back (it adds them when the web
 * server starts), then stopped, which closes its connections, and removed.
 */
@Component
@ConditionalOnClass(name = "org.springframework.boot.jetty.JettyWebServer")
class JettySideDoor implements SideDoor {

	private static final Logger logger = LoggerFactory.getLogger(JettySideDoor.class);

	private static final Method DEFERRED_INITIALIZE = ReflectionUtils.findMethod(JettyWebServer.class,
			"handleDeferredInitialize", Server.class);

	@Override
	public @Nullable Open open(WebServer webServer) {
		if (!(webServer instanceof JettyWebServer jetty)) {
			return null;
		}
		Server server = jetty.getServer();
		if (DEFERRED_INITIALIZE == null) {
			throw new IllegalStateException("Boot's JettyWebServer has no handleDeferredInitialize(Server)");
		}
		ReflectionUtils.makeAccessible(DEFERRED_INITIALIZE);
		ReflectionUtils.invokeMethod(DEFERRED_INITIALIZE, jetty, server);
		// One acceptor and one selector, leased from the server's pool only while it is open.
		ServerConnector connector = new ServerConnector(server, 1, 1);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		server.addConnector(connector);
		try {
			connector.start();
		}
		catch (Exception ex) {
			server.removeConnector(connector);
			throw new IllegalStateException("Warm-up connector did not start", ex);
		}
		return new Open() {

			@Override
			public int port() {
				return connector.getLocalPort();
			}

			@Override
			public void close() {
				try {
					connector.stop();
				}
				catch (Exception ex) {
					logger.debug("Warm-up connector not stopped: {}", ex.toString());
				}
				server.removeConnector(connector);
			}

		};
	}

}

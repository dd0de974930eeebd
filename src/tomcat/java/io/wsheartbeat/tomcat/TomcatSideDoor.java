package io.wsheartbeat.tomcat;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.stereotype.Component;

import io.wsheartbeat.warmup.SideDoor;

/**
 * The warm-up's side door into Tomcat: a second connector on the server's service, on loopback and
 * a free port, added while the web server has not opened its own port yet, and removed and
 * destroyed afterwards.
 */
@Component
@ConditionalOnClass(name = "org.springframework.boot.tomcat.TomcatWebServer")
class TomcatSideDoor implements SideDoor {

	private static final Logger logger = LoggerFactory.getLogger(TomcatSideDoor.class);

	@Override
	public @Nullable Open open(WebServer server) {
		if (!(server instanceof TomcatWebServer tomcat)) {
			return null;
		}
		Service service = tomcat.getTomcat().getService();
		Connector connector = new Connector();
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		service.addConnector(connector);
		return new Open() {

			@Override
			public int port() {
				return connector.getLocalPort();
			}

			@Override
			public void close() {
				service.removeConnector(connector);
				try {
					connector.destroy();
				}
				catch (Exception ex) {
					logger.debug("Warm-up connector not destroyed: {}", ex.toString());
				}
			}

		};
	}

}

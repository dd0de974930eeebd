package io.wsheartbeat.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import io.wsheartbeat.heartbeat.ServerNode;

/** This server as a node of the cluster: its id, where it can be reached, when it started. */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ThisNode implements ServerNode {

	private final String id;

	private final String configuredAddress;

	private final Environment environment;

	private final Instant started;

	// Found once the web server has its port, at start-up: a host name lookup may block, and
	// must not on a request's thread.
	private volatile String address;

	ThisNode(ClusterProperties properties, Environment environment, Clock wallClock) {
		String configuredId = properties.nodeId();
		// Random when not configured: a restarted process is a new node, so the old one's
		// sessions leave the view with it rather than pass for the new one's.
		this.id = StringUtils.hasText(configuredId) ? configuredId : UUID.randomUUID().toString().substring(0, 8);
		this.configuredAddress = properties.address();
		this.environment = environment;
		this.started = wallClock.instant();
	}

	@Override
	public String id() {
		return this.id;
	}

	Instant started() {
		return this.started;
	}

	/**
	 * {@code heartbeat.cluster.address}, or this host and the web server's port: the server's
	 * bind address where it has one, else the host's name.
	 */
	String address() {
		String known = this.address;
		return (known != null) ? known : this.configuredAddress;
	}

	@EventListener
	void webServerStarted(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) { // not the management server
			this.address = StringUtils.hasText(this.configuredAddress) ? this.configuredAddress
					: host() + ":" + event.getWebServer().getPort();
		}
	}

	private String host() {
		String bound = this.environment.getProperty("server.address");
		if (StringUtils.hasText(bound) && !"0.0.0.0".equals(bound) && !"::".equals(bound)) {
			return bound;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown-host";
		}
	}

	@Override
	public String toString() {
		return this.id;
	}

}

package io.wsheartbeat.heartbeat;

import org.springframework.stereotype.Component;

/**
 * Sends a protocol Ping to every session. The pings are for the network, not for liveness: a NAT
 * or proxy that sees no traffic recycles the connection, and browsers answer pings on their own
 * even when the page's script has stopped, so a pong never counts as the client being alive.
 */
@Component
class ServerPinger {

	private final SessionRegistry registry;

	private final SessionTasks tasks;

	ServerPinger(SessionRegistry registry, SessionTasks tasks) {
		this.registry = registry;
		this.tasks = tasks;
	}

	void pingAll() {
		for (TrackedSession session : this.registry.sessions()) {
			this.tasks.ping(session);
		}
	}

}

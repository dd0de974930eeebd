package io.wsheartbeat.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * The sessions this node holds, as the cluster writes them: how many, and each one as
 * {@link Announced}. The registry's, in a server; synthetic ones in the scale harness, which
 * runs many nodes' membership in one process.
 */
interface LocalSessions {

	int count();

	/** Every session held now, by id. */
	Map<String, Announced> announced();

	/** The registry's sessions. */
	@Component
	@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
	class Registry implements LocalSessions {

		private final SessionRegistry registry;

		Registry(SessionRegistry registry) {
			this.registry = registry;
		}

		@Override
		public int count() {
			return this.registry.size();
		}

		@Override
		public Map<String, Announced> announced() {
			Map<String, Announced> sessions = new LinkedHashMap<>();
			for (TrackedSession session : this.registry.sessions()) {
				sessions.put(session.id(), new Announced(session.remoteAddress(), session.connectedAt()));
			}
			return sessions;
		}

	}

}

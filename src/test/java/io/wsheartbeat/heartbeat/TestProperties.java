package io.wsheartbeat.heartbeat;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Properties bound as the application binds them, defaults from the record itself. */
final class TestProperties {

	private TestProperties() {
	}

	static HeartbeatProperties of(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("heartbeat",
				HeartbeatProperties.class);
	}

	static HeartbeatProperties defaults() {
		return of(Map.of());
	}

	static HeartbeatProperties withMaxSessions(int maxSessions) {
		return of(Map.of("heartbeat.max-sessions", String.valueOf(maxSessions)));
	}

}

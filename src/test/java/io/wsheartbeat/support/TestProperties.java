package io.wsheartbeat.support;

import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/** Properties bound as the application binds them, defaults from the record itself. */
public final class TestProperties {

	private TestProperties() {
	}

	public static HeartbeatProperties of(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("heartbeat",
				HeartbeatProperties.class);
	}

	/** Any properties record, bound under {@code prefix} as the application binds it. */
	public static <T> T of(String prefix, Class<T> type, Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
	}

	public static HeartbeatProperties defaults() {
		return of(Map.of());
	}

	public static HeartbeatProperties withMaxSessions(int maxSessions) {
		return of(Map.of("heartbeat.max-sessions", String.valueOf(maxSessions)));
	}

}

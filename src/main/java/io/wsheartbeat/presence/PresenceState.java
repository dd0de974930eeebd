package io.wsheartbeat.presence;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a key stands. */
public enum PresenceState {

	/** It has a session on some node. */
	ONLINE,

	/** Its last session closed without the client asking; it may be back within the grace. */
	RECONNECTING,

	/** The client said goodbye, or the grace ran out with no session. */
	OFFLINE;

	@JsonValue
	public String json() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}

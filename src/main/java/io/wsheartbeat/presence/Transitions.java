package io.wsheartbeat.presence;

import org.springframework.web.socket.CloseStatus;

/**
 * The rules' words: which close is a goodbye and what each transition says. One place, for every
 * book (the cluster's scripts say the same, and its tests hold them to it).
 */
final class Transitions {

	static final String CONNECTED = "connected";

	static final String RECONNECTED = "reconnected";

	static final String DISCONNECTED = "disconnected";

	static final String GRACE_RAN_OUT = "grace ran out";

	private Transitions() {
	}

	/**
	 * Only a normal close (1000) is the client asking to leave: the page's Disconnect. Anything
	 * else (1006 a dropped connection, 4000 and 4001 a heartbeat missed, 1012 a restart, 1001 a
	 * tab closed or reloaded, a lost node) may be followed by a reconnect.
	 */
	static boolean isGoodbye(int code) {
		return code == CloseStatus.NORMAL.getCode();
	}

	/** The reason a {@code reconnecting} event gives: the close that began the grace. */
	static String closed(int code, String reason) {
		return (reason == null || reason.isEmpty()) ? "closed " + code : "closed " + code + " " + reason;
	}

}

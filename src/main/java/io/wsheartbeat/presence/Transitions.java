package io.wsheartbeat.presence;

import org.springframework.web.socket.CloseStatus;

/**
 * The rules' words: which close is a goodbye and what each transition says. One place, for every
 * book: the cluster's script is handed these words rather than spelling them again.
 */
public final class Transitions {

	public static final String CONNECTED = "connected";

	public static final String RECONNECTED = "reconnected";

	public static final String DISCONNECTED = "disconnected";

	public static final String GRACE_RAN_OUT = "grace ran out";

	/**
	 * The reason a {@code reconnecting} event gives when the node that held the key's sessions
	 * was lost (a cluster's); {@code %s} is the node's id.
	 */
	public static final String NODE_LOST = "node %s lost";

	private Transitions() {
	}

	/**
	 * Only a normal close (1000) is the client asking to leave: the page's Disconnect. Anything
	 * else (1006 a dropped connection, 4000 and 4001 a heartbeat missed, 1012 a restart, 1001 a
	 * tab closed or reloaded, a lost node) may be followed by a reconnect.
	 */
	public static boolean isGoodbye(int code) {
		return code == CloseStatus.NORMAL.getCode();
	}

	/** The reason a {@code reconnecting} event gives: the close that began the grace. */
	public static String closed(int code, String reason) {
		return (reason == null || reason.isEmpty()) ? "closed " + code : "closed " + code + " " + reason;
	}

	/** The reason for keys whose sessions were on {@code node}, a node found lost. */
	public static String nodeLost(String node) {
		return String.format(NODE_LOST, node);
	}

}

package io.wsheartbeat.heartbeat.protocol;

import java.time.Duration;

import org.springframework.web.socket.CloseStatus;

/**
 * The close codes of protocol v1 that are ours rather than the WebSocket standard's. Codes in the
 * 4000-4999 range are reserved for applications (RFC 6455, section 7.4.2).
 */
public final class CloseCodes {

	/** The server closes a session that stayed silent past its deadline. */
	public static final CloseStatus HEARTBEAT_TIMEOUT = new CloseStatus(4000, "heartbeat timeout");

	/** The client closes a connection whose heartbeat was not acknowledged in time. */
	public static final int ACK_TIMEOUT = 4001;

	/** A client sent more than {@code heartbeat.max-messages-per-second}. */
	public static final CloseStatus TOO_MANY_MESSAGES = CloseStatus.POLICY_VIOLATION.withReason("too many messages");

	/** A text message over {@code heartbeat.max-message-size}. */
	public static final CloseStatus MESSAGE_TOO_LARGE = CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too large");

	/** {@code heartbeat.max-sessions} sessions are open already. */
	public static final CloseStatus SERVER_FULL = CloseStatus.SERVICE_OVERLOAD.withReason("try again later");

	/** {@code heartbeat.max-sessions-per-address} sessions are open from the client's address already. */
	public static final CloseStatus ADDRESS_FULL = CloseStatus.SERVICE_OVERLOAD.withReason("too many sessions from your address");

	/** The server is shutting down, all at once, or past the end of its drain. */
	public static final CloseStatus SHUTTING_DOWN = CloseStatus.GOING_AWAY.withReason("server shutting down");

	/** What the reason of a {@link #serviceRestart} close begins with. */
	public static final String SERVICE_RESTART_REASON = "service restart";

	/**
	 * The server drains its sessions before it restarts (or turns a late arrival away meanwhile):
	 * reconnect at a random moment within {@code window}, to another node if there is one. The
	 * reason reads {@code service restart; reconnect within <ms> ms}: short enough for a close
	 * frame's 123 bytes, and readable by a person in a log.
	 */
	public static CloseStatus serviceRestart(Duration window) {
		return CloseStatus.SERVICE_RESTARTED
			.withReason(SERVICE_RESTART_REASON + "; reconnect within " + window.toMillis() + " ms");
	}

	/** The client stopped reading and its outbound buffer or send time ran over the limit. */
	public static final CloseStatus CLIENT_NOT_READING = CloseStatus.SESSION_NOT_RELIABLE.withReason("client not reading");

	private CloseCodes() {
	}

}

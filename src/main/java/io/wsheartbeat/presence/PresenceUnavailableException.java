package io.wsheartbeat.presence;

/**
 * The book cannot be read now: a cluster's book while Redis cannot be reached. The API answers
 * 503 with the reason, rather than an empty page that would say everyone is offline.
 */
public class PresenceUnavailableException extends RuntimeException {

	public PresenceUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}

package io.wsheartbeat.sessions;

import java.time.Duration;
import java.time.Instant;

import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * A session at one moment, as {@code GET /api/sessions} shows it. Durations are milliseconds.
 *
 * @param id the session id (a random UUID, not a timestamp)
 * @param remoteAddress the client's address and port
 * @param connectedAt when the session opened (wall clock)
 * @param ageMillis how long it has been open
 * @param silentForMillis time since the client last sent anything
 * @param deadlineMillis how long it may stay silent before it is reaped
 * @param lastPongAgoMillis time since the last pong, or {@code null} if none came yet
 * @param rttMillis the last round-trip time, reported by the client or measured by a ping, or {@code null}
 * @param declaredIntervalMillis the heartbeat interval the client last declared, or {@code null}
 * @param messagesReceived text messages received
 * @param heartbeatsAcked heartbeats acknowledged
 */
public record SessionSnapshot(String id, String remoteAddress, Instant connectedAt, long ageMillis,
		long silentForMillis, long deadlineMillis, Long lastPongAgoMillis, Long rttMillis,
		Long declaredIntervalMillis, long messagesReceived, long heartbeatsAcked) {

	/** How {@code session} looks at {@code nowNanos} (monotonic). */
	static SessionSnapshot of(TrackedSession session, long nowNanos) {
		long lastPong = session.lastPongNanos();
		long rtt = session.rttNanos();
		Duration declared = session.declaredInterval();
		return new SessionSnapshot(session.id(), session.remoteAddress(), session.connectedAt(),
				millisSince(session.connectedAtNanos(), nowNanos), millisSince(session.lastActiveNanos(), nowNanos),
				session.silenceAllowed().toMillis(),
				(lastPong != TrackedSession.NEVER) ? millisSince(lastPong, nowNanos) : null,
				(rtt != TrackedSession.NEVER) ? Duration.ofNanos(rtt).toMillis() : null,
				(declared != null) ? declared.toMillis() : null, session.messagesReceived(),
				session.heartbeatsAcked());
	}

	private static long millisSince(long thenNanos, long nowNanos) {
		return Duration.ofNanos(Math.max(0, nowNanos - thenNanos)).toMillis();
	}

}

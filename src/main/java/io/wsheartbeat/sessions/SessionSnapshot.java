package io.wsheartbeat.sessions;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.wsheartbeat.heartbeat.TrackedSession;

/**
 * A session at one moment, as {@code GET /api/sessions} shows it. Durations are milliseconds.
 *
 * <p>In a cluster the view also lists the sessions of the other nodes. Of those it knows only
 * what their node announced when they opened (id, address, when): their liveness is judged by
 * their own node, in memory, and never reaches Redis, so the fields that change with every
 * heartbeat are {@code null} for them.
 *
 * @param id the session id (a random UUID, not a timestamp)
 * @param node in a cluster, the id of the node that holds the session; absent on a server of its own
 * @param remoteAddress the client's address and port
 * @param connectedAt when the session opened (wall clock)
 * @param ageMillis how long it has been open
 * @param silentForMillis time since the client last sent anything; {@code null} on another node
 * @param deadlineMillis how long it may stay silent before it is reaped; {@code null} on another node
 * @param lastPongAgoMillis time since the last pong, or {@code null} if none came yet (or on another node)
 * @param rttMillis the last round-trip time, reported by the client or measured by a ping, or {@code null}
 * @param declaredIntervalMillis the heartbeat interval the client last declared, or {@code null}
 * @param messagesReceived text messages received; {@code null} on another node
 * @param heartbeatsAcked heartbeats acknowledged; {@code null} on another node
 */
public record SessionSnapshot(String id, @JsonInclude(JsonInclude.Include.NON_NULL) String node,
		String remoteAddress, Instant connectedAt, long ageMillis, Long silentForMillis, Long deadlineMillis,
		Long lastPongAgoMillis, Long rttMillis, Long declaredIntervalMillis, Long messagesReceived,
		Long heartbeatsAcked) {

	/** How {@code session}, held by this server ({@code node}, or {@code null} on its own), looks at {@code nowNanos} (monotonic). */
	static SessionSnapshot of(TrackedSession session, String node, long nowNanos) {
		long lastPong = session.lastPongNanos();
		long rtt = session.rttNanos();
		Duration declared = session.declaredInterval();
		return new SessionSnapshot(session.id(), node, session.remoteAddress(), session.connectedAt(),
				millisSince(session.connectedAtNanos(), nowNanos), millisSince(session.lastActiveNanos(), nowNanos),
				session.silenceAllowed().toMillis(),
				(lastPong != TrackedSession.NEVER) ? millisSince(lastPong, nowNanos) : null,
				(rtt != TrackedSession.NEVER) ? Duration.ofNanos(rtt).toMillis() : null,
				(declared != null) ? declared.toMillis() : null, session.messagesReceived(),
				session.heartbeatsAcked());
	}

	/** A session held by another node of the cluster, as that node announced it, at {@code now} (wall clock). */
	public static SessionSnapshot elsewhere(String id, String node, String remoteAddress, Instant connectedAt,
			Instant now) {
		return new SessionSnapshot(id, node, remoteAddress, connectedAt,
				Math.max(0, Duration.between(connectedAt, now).toMillis()), null, null, null, null, null, null, null);
	}

	private static long millisSince(long thenNanos, long nowNanos) {
		return Duration.ofNanos(Math.max(0, nowNanos - thenNanos)).toMillis();
	}

}

package io.wsheartbeat.sessions;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A session that closed recently, as the sessions view keeps it for a while: greyed, with the
 * code it closed with.
 *
 * @param session how it looked when it was removed
 * @param closeCode the close code (4000 for a reaped session, 1006 for a lost connection)
 * @param closeReason the close reason, possibly empty
 * @param closedAt when it closed (wall clock)
 * @param closedAtNanos when it closed (monotonic), to age it out of the view
 */
public record ClosedSession(SessionSnapshot session, int closeCode, String closeReason, Instant closedAt,
		@JsonIgnore long closedAtNanos) {
}

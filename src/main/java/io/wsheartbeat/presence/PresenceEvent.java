package io.wsheartbeat.presence;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A key moved to {@code state}. Events carry one sequence for the whole book, so that every
 * watcher, on every node, sees a key's transitions in the same order.
 * @param sequence increases with every event of the book
 * @param reason why: {@code connected}, {@code reconnected}, the close that began the grace (its
 * code and reason, or the node that was lost), {@code disconnected}, or {@code grace ran out}
 * @param counts the book's keys in each state just after it: a watcher takes them as they are
 * rather than working them out, and so stays right about keys it does not list
 */
public record PresenceEvent(long sequence, String key, PresenceState state, String reason, Instant at,
		@JsonInclude(JsonInclude.Include.NON_NULL) PresencePage.Counts counts) {
}

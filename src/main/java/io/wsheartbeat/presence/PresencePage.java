package io.wsheartbeat.presence;

import java.util.List;

/**
 * A page of the keys the book holds, in key order, and how many are in each state in all.
 * @param next the key after which the next page starts, or {@code null} after the last
 */
public record PresencePage(Counts counts, List<KeyPresence> keys, String next) {

	public record Counts(long online, long reconnecting, long offline) {
	}

}

package io.wsheartbeat.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;

import io.wsheartbeat.cluster.ClusterStore.SessionsSlice;

/**
 * One page of a node's sessions hash, read with {@code HSCAN}. A position is HSCAN's cursor and
 * how many of the batch it starts were sent already, as {@code cursor.skip}. Each scan asks for
 * three quarters of the room left, and a batch that does not fit is left whole for the next
 * page, so that a page reads each session about once ({@code HSCAN} returns at least what it is
 * asked for); only a batch larger than a whole page (a small hash comes back whole, whatever
 * {@code COUNT} asks) is split.
 */
final class SessionScan {

	// Scans per page at most, however sparse the hash.
	private static final int MAX_SCANS = 8;

	private final RedisConnection reads;

	private final String key;

	private final Function<String, Announced> reader;

	private final Consumer<String> unreadable;

	/**
	 * @param reader a session from its JSON, or {@code null} where it cannot be read
	 * @param unreadable told where an entry could not be read
	 */
	SessionScan(RedisConnection reads, String key, Function<String, Announced> reader, Consumer<String> unreadable) {
		this.reads = reads;
		this.key = key;
		this.reader = reader;
		this.unreadable = unreadable;
	}

	SessionsSlice page(String position, int limit) {
		String cursor = "0";
		int skip = 0;
		if (position != null) {
			int dot = position.indexOf('.');
			cursor = position.substring(0, dot);
			skip = Integer.parseInt(position.substring(dot + 1));
		}
		Map<String, Announced> sessions = new LinkedHashMap<>();
		for (int scans = 0; scans < MAX_SCANS; scans++) {
			RedisCommands<String, String> commands = this.reads.commands("hscan");
			int room = limit - sessions.size();
			MapScanCursor<String, String> batch = commands.hscan(this.key, ScanCursor.of(cursor),
					ScanArgs.Builder.limit(Math.max(10, room * 3 / 4)));
			List<Map.Entry<String, String>> entries = new ArrayList<>(batch.getMap().entrySet());
			if (entries.size() - skip > room) {
				if (!sessions.isEmpty()) {
					return new SessionsSlice(sessions, cursor + "." + skip);
				}
				add(entries.subList(skip, skip + room), sessions);
				return new SessionsSlice(sessions, cursor + "." + (skip + room));
			}
			add(entries.subList(skip, entries.size()), sessions);
			skip = 0;
			cursor = batch.getCursor();
			if (batch.isFinished()) {
				return new SessionsSlice(sessions, null);
			}
			if (sessions.size() == limit) {
				break;
			}
		}
		return new SessionsSlice(sessions, cursor + ".0");
	}

	private void add(List<Map.Entry<String, String>> entries, Map<String, Announced> into) {
		for (Map.Entry<String, String> entry : entries) {
			Announced session = this.reader.apply(entry.getValue());
			if (session != null) {
				into.put(entry.getKey(), session);
			}
			else {
				this.unreadable.accept("field '" + entry.getKey() + "' of " + this.key);
			}
		}
	}

}

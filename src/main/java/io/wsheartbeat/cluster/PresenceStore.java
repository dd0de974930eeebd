package io.wsheartbeat.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.cluster.ClusterScripts.KeyCount;
import io.wsheartbeat.cluster.ClusterScripts.Presence;
import io.wsheartbeat.cluster.ClusterScripts.Words;
import io.wsheartbeat.presence.PresencePage;
import io.wsheartbeat.presence.PresenceProperties;
import io.wsheartbeat.presence.Transitions;

/**
 * Presence in Redis, beside the cluster's keys and with their hash tag
 * ({@code presence.lua} says what each holds): one script call for the writes, on the
 * announcements' connection, and plain reads for the pages, on the views'.
 *
 * <ul>
 * <li>{@code {prefix}:presence}: a hash, key to its {@link Record};
 * <li>{@code {prefix}:presence:keys}: a sorted set of the keys, score 0, read in key order;
 * <li>{@code {prefix}:presence:deadlines}: a sorted set, key to when its grace runs out or, offline,
 * when it is forgotten;
 * <li>{@code {prefix}:presence:book}: a hash, the last sequence and the keys per state;
 * <li>{@code {prefix}:presence:holders}: a hash, node to the incarnation whose counts are written;
 * <li>{@code {prefix}:presence:events}: a stream of the transitions, id {@code <sequence>-0};
 * <li>{@code {prefix}:presence:node:<node>}: a hash per node, key to its sessions there.
 * </ul>
 */
final class PresenceStore {

	/** Keys per script call at most, as an announcement's changes. */
	static final int BATCH = 1000;

	// Lost nodes' keys swept, and graces run out, per call at most.
	private static final int BUDGET = 500;

	// Events an answer holds at most; a node that is further behind reads the rest at its next pass.
	static final int READ = 1000;

	// Events the stream keeps: a node more than this far behind (it could not reach Redis) misses some.
	private static final int EVENTS = 5000;

	// Ids of a key's sessions on one node that its record lists: a client cannot grow a record
	// without bound by opening many sessions under one client id; the count stays exact.
	static final int IDS = 32;

	private final RedisClusterStore redis;

	private final JsonMapper jsonMapper;

	private final String[] keys;

	private final String prefix;

	private final long grace;

	private final long keepOffline;

	private final long ttl;

	private static final Words WORDS = new Words(Transitions.CONNECTED, Transitions.RECONNECTED,
			Transitions.DISCONNECTED, Transitions.GRACE_RAN_OUT, Transitions.NODE_LOST);

	PresenceStore(RedisClusterStore redis, JsonMapper jsonMapper, ClusterProperties cluster,
			PresenceProperties presence) {
		this.redis = redis;
		this.jsonMapper = jsonMapper;
		String tag = redis.tag();
		this.prefix = tag + "presence:node:";
		this.keys = new String[] { tag + "nodes", tag + "presence", tag + "presence:keys", tag + "presence:deadlines",
				tag + "presence:book", tag + "presence:holders", tag + "presence:events", null };
		this.grace = presence.grace().toMillis();
		this.keepOffline = presence.keepOffline().toMillis();
		this.ttl = cluster.keyTtl().toMillis();
	}

	/**
	 * Writes this node's keys (if its lease is {@code inc}'s), does the cluster's chores and reads
	 * the events after {@code after}.
	 */
	Answer write(String node, String inc, long after, boolean touch, List<KeyCount> counts) {
		List<String> args = new ArrayList<>(1 + counts.size());
		args.add(json(new Presence(node, inc, after, touch, this.grace, this.keepOffline, this.ttl, this.prefix, BUDGET,
				READ, EVENTS, WORDS)));
		for (KeyCount count : counts) {
			args.add(json(count));
		}
		String[] keys = this.keys.clone();
		keys[7] = this.prefix + node;
		String answer = this.redis.run(this.redis.writes(), ClusterScripts.PRESENCE, ScriptOutputType.VALUE, keys, args);
		return this.jsonMapper.readValue(answer, Answer.class);
	}

	/** Up to {@code limit} keys after {@code after} (all from the first with {@code null}), in key order. */
	List<String> keysAfter(String after, int limit) {
		Range<String> range = Range.from((after != null) ? Range.Boundary.excluding(after) : Range.Boundary.unbounded(),
				Range.Boundary.unbounded());
		return this.redis.reads().commands("zrangebylex").zrangebylex(this.keys[2], range, Limit.create(0, limit));
	}

	/** The records of {@code keys}, in their order; {@code null} where one is gone or cannot be read. */
	List<Record> records(List<String> keys) {
		if (keys.isEmpty()) {
			return List.of();
		}
		List<Record> records = new ArrayList<>(keys.size());
		for (KeyValue<String, String> raw : this.redis.reads().commands("hmget").hmget(this.keys[1], keys.toArray(String[]::new))) {
			records.add(raw.hasValue() ? read(raw.getValue()) : null);
		}
		return records;
	}

	/** One key's record, or {@code null}. */
	Record record(String key) {
		String raw = this.redis.reads().commands("hget").hget(this.keys[1], key);
		return (raw != null) ? read(raw) : null;
	}

	/** How many keys are in each state, as the last call that wrote left them. */
	PresencePage.Counts counts() {
		List<KeyValue<String, String>> raw = this.redis.reads()
			.commands("hmget")
			.hmget(this.keys[4], "online", "reconnecting", "offline");
		return new PresencePage.Counts(number(raw.get(0)), number(raw.get(1)), number(raw.get(2)));
	}

	private static long number(KeyValue<String, String> raw) {
		try {
			return raw.hasValue() ? Math.max(0, Long.parseLong(raw.getValue())) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private Record read(String raw) {
		try {
			Record record = this.jsonMapper.readValue(raw, Record.class);
			return (record.state() != null && record.nodes() != null) ? record : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private String json(Object value) {
		return this.jsonMapper.writeValueAsString(value);
	}

	/** presence.lua's answer: whether it took this node's counts, and the events after {@code after}. */
	record Answer(boolean accepted, long seq, boolean more, List<Event> events) {
	}

	/**
	 * One transition, as the stream holds it; {@code at} in epoch ms, by Redis's clock;
	 * {@code counts} the book's keys online, reconnecting and offline after it, space apart.
	 */
	record Event(long seq, String key, String state, String reason, long at, String counts) {

		/** The counts, or {@code null} for an event written before they were. */
		PresencePage.Counts bookCounts() {
			String[] parts = (this.counts != null) ? this.counts.split(" ") : new String[0];
			if (parts.length != 3) {
				return null;
			}
			return new PresencePage.Counts(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
		}

	}

	/** A key in Redis: its state since when and why, and its sessions by node. */
	record Record(String state, long since, String reason, long seq, Map<String, Held> nodes) {
	}

	/** A key's sessions on one node: how many, and some of their ids. */
	record Held(int n, List<String> ids) {
	}

}

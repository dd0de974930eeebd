package io.wsheartbeat.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.stereotype.Component;

import io.wsheartbeat.cluster.ClusterConfiguration.RedisTimeout;
import io.wsheartbeat.sessions.ViewProperties;

import io.wsheartbeat.cluster.ClusterScripts.Announce;
import io.wsheartbeat.cluster.ClusterScripts.Judge;
import io.wsheartbeat.cluster.ClusterScripts.Leave;
import io.wsheartbeat.cluster.ClusterScripts.Register;
import io.wsheartbeat.cluster.ClusterScripts.Renew;
import io.wsheartbeat.cluster.ClusterScripts.Script;
import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * The cluster's store in Redis. Its keys share one hash tag, the key prefix in braces, so that a
 * script's keys stay together; every key expires {@code ttl} after the last renewal or write
 * that touched it, so nothing outlives the last node, however it stopped.
 *
 * <ul>
 * <li>{@code {prefix}:nodes}: a hash, node id to its {@link NodeEntry}, and under
 * {@value #RENEWED} Redis's time of the last renewal by any node, which tells an outage of Redis
 * from a node that stopped renewing;
 * <li>{@code {prefix}:sessions:<node>}: a hash per node, session id to its {@link Announced};
 * <li>{@code {prefix}:closed}: a list of the sessions closed lately, {@link ClosedRecord}s.
 * </ul>
 *
 * <p>One {@link RedisConnection} per kind of caller (the lease, the announcements, the views):
 * Lettuce answers a connection's commands in order, so a view's read must not stand in front of
 * a renewal.
 */
@Component
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class RedisClusterStore implements ClusterStore {

	// Arguments past which a script is loaded before it is called (about 100 sessions).
	private static final int LARGE_CALL = 200;

	/** The field of the nodes hash that is not a node (judge.lua's RENEWED). */
	static final String RENEWED = "~renewed";

	private final JsonMapper jsonMapper;

	private final Judge judge;

	private final String tag;

	private final String[] keys;

	private final Consumer<String> commandsSent;

	// Renewals between two that push back the keys' expiry: a quarter of their time to live.
	private final long renewalsPerTouch;

	private long renewals;

	private final RedisConnection lease;

	private final RedisConnection writes;

	private final RedisConnection reads;

	RedisClusterStore(LettuceConnectionFactory connectionFactory, JsonMapper jsonMapper, RedisTimeout timeout,
			ClusterProperties cluster, ViewProperties view, ClusterMetrics metrics) {
		this.jsonMapper = jsonMapper;

		String tag = "{" + cluster.keyPrefix() + "}:";
		this.tag = tag;
		// Redis counts as having been away once no node renewed for two renew periods: every
		// live node renews once in each.
		this.judge = new Judge(cluster.lease().toMillis(), 2 * cluster.renewPeriod().toMillis(),
				cluster.keyTtl().toMillis(), tag + "sessions:", view.enabled() ? view.maxClosed() : 0);
		this.keys = new String[] { tag + "nodes", null, tag + "closed" };
		this.renewalsPerTouch = Math.max(1, cluster.keyTtl().toMillis() / (4 * cluster.renewPeriod().toMillis()));
		this.commandsSent = metrics::redisCommandSent;
		this.lease = new RedisConnection(connectionFactory, timeout.value(), this.commandsSent);
		this.writes = new RedisConnection(connectionFactory, timeout.value(), this.commandsSent);
		this.reads = new RedisConnection(connectionFactory, timeout.value(), this.commandsSent);
	}

	/** The prefix of every key, hash tag included: {@code {heartbeat}:}. */
	String tag() {
		return this.tag;
	}

	/** The connection of the writes: the announcements', and presence's, on the same thread. */
	RedisConnection writes() {
		return this.writes;
	}

	/** The connection of the views' reads. */
	RedisConnection reads() {
		return this.reads;
	}

	private String[] keysFor(String node) {
		String[] keys = this.keys.clone();
		keys[1] = this.judge.prefix() + node;
		return keys;
	}

	@Override
	public LeaseAnswer register(String node, String inc, String address, long started,
			Map<String, Announced> sessions) {
		List<String> args = new ArrayList<>(1 + 2 * sessions.size());
		args.add(json(new Register(node, inc, sessions.size(), address, started, this.judge)));
		sessions.forEach((id, session) -> {
			args.add(id);
			args.add(json(session));
		});
		String answer = run(this.lease, ClusterScripts.REGISTER, ScriptOutputType.VALUE, keysFor(node), args);
		return this.jsonMapper.readValue(answer, LeaseAnswer.class);
	}

	@Override
	public LeaseAnswer renew(String node, String inc, int sessions) {
		String answer = run(this.lease, ClusterScripts.RENEW, ScriptOutputType.VALUE, keysFor(node),
				List.of(json(new Renew(node, inc, sessions, this.renewals++ % this.renewalsPerTouch == 0, this.judge))));
		return this.jsonMapper.readValue(answer, LeaseAnswer.class);
	}

	@Override
	public boolean announce(String node, String inc, int sessions, boolean replace, List<Opened> opened,
			List<Closed> closed) {
		List<String> args = new ArrayList<>(1 + 2 * (opened.size() + closed.size()));
		args.add(json(new Announce(node, inc, sessions, replace, opened.size(), this.judge.ttl(), this.judge.keep())));
		for (Opened session : opened) {
			args.add(session.id());
			args.add(json(new Announced(session.remoteAddress(), session.connectedAt())));
		}
		for (Closed session : closed) {
			args.add(session.id());
			// Only the views' list of closed sessions reads the record: with the view off
			// (keep 0), announce.lua reads the id alone, and the record would be 170 bytes or so
			// sent for nothing with every close.
			args.add((this.judge.keep() > 0) ? json(new ClosedRecord(session.id(), node, session.remoteAddress(),
					session.connectedAt(), session.code(), session.reason(), session.closedAt())) : "");
		}
		Long done = run(this.writes, ClusterScripts.ANNOUNCE, ScriptOutputType.INTEGER, keysFor(node), args);
		return done != null && done == 1;
	}

	@Override
	public boolean leave(String node, String inc) {
		Long left = run(this.lease, ClusterScripts.LEAVE, ScriptOutputType.INTEGER, keysFor(node),
				List.of(json(new Leave(node, inc))));
		return left != null && left == 1;
	}

	@Override
	public Map<String, NodeEntry> nodes(Consumer<String> unreadable) {
		Map<String, String> all = this.reads.commands("hgetall").hgetall(this.keys[0]);
		Map<String, NodeEntry> nodes = new LinkedHashMap<>();
		all.forEach((id, raw) -> {
			if (id.equals(RENEWED)) {
				return;
			}
			NodeEntry entry = read(raw, NodeEntry.class);
			if (entry != null && entry.inc() != null) {
				nodes.put(id, entry);
			}
			else {
				unreadable.accept("field '" + id + "' of the nodes hash");
			}
		});
		return nodes;
	}

	@Override
	public SessionsSlice sessions(String node, String position, int limit, Consumer<String> unreadable) {
		return new SessionScan(this.reads, keysFor(node)[1], (raw) -> read(raw, Announced.class), unreadable)
			.page(position, limit);
	}

	@Override
	public List<ClosedRecord> closed(int max, Consumer<String> unreadable) {
		List<ClosedRecord> closed = new ArrayList<>();
		for (String raw : this.reads.commands("lrange").lrange(this.keys[2], 0, max - 1)) {
			ClosedRecord record = read(raw, ClosedRecord.class);
			if (record != null && record.id() != null) {
				closed.add(record);
			}
			else {
				unreadable.accept("an entry of " + this.keys[2]);
			}
		}
		return closed;
	}

	// A value another node wrote, or a stray one: skipped where it cannot be read.
	private <T> T read(String raw, Class<T> type) {
		try {
			return this.jsonMapper.readValue(raw, type);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	// EVALSHA sends the script's digest, not its text; a Redis that restarted has forgotten the
	// script, and EVAL sends it whole once, which also loads it again. A call whose arguments
	// are large (a registration, a replacement: every session of the node) loads the script
	// first, a few KB, so that Redis never reads those arguments only to answer NOSCRIPT.
	<T> T run(RedisConnection over, Script script, ScriptOutputType type, String[] keys, List<String> args) {
		String[] values = args.toArray(String[]::new);
		if (values.length > LARGE_CALL) {
			over.commands("script").scriptLoad(script.text());
		}
		RedisCommands<String, String> commands = over.commands("evalsha");
		try {
			return commands.evalsha(script.digest(), type, keys, values);
		}
		catch (RedisNoScriptException ex) {
			this.commandsSent.accept("eval");
			return commands.eval(script.text(), type, keys, values);
		}
	}

	private String json(Object value) {
		return this.jsonMapper.writeValueAsString(value);
	}

	@Override
	public void close() {
		this.lease.close();
		this.writes.close();
		this.reads.close();
	}

}

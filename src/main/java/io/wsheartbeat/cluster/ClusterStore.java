package io.wsheartbeat.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.wsheartbeat.cluster.SessionChanges.Closed;
import io.wsheartbeat.cluster.SessionChanges.Opened;

/**
 * What the cluster keeps in Redis, and the scripts that change it: each one atomic, so that two
 * nodes never see a half-written node. Keys share one hash tag, the key prefix in braces, so the
 * scripts' keys stay together on one Redis.
 *
 * <ul>
 * <li>{@code {prefix}:nodes}: a hash, node id to its {@link NodeEntry} (lease, incarnation,
 * version, session count, address);
 * <li>{@code {prefix}:sessions:<node>}: a hash per node, session id to its {@link Announced};
 * <li>{@code {prefix}:changes}: the channel every node publishes its {@link Notice}s on.
 * </ul>
 *
 * <p>Called on the cluster's thread only. Lettuce's connections reconnect by themselves; while
 * one is down its commands fail at once (see {@link ClusterConfiguration}), and each waits at
 * most the command timeout. Every command sent is counted in one place, {@link #sending}.
 */
final class ClusterStore implements AutoCloseable {

	private final LettuceConnectionFactory connectionFactory;

	private final JsonMapper jsonMapper;

	private final Duration timeout;

	private final String nodesKey;

	private final String sessionsKeyPrefix;

	private final String channel;

	private final Consumer<String> commandsSent;

	private final Script register = Script.load("register.lua");

	private final Script renew = Script.load("renew.lua");

	private final Script announce = Script.load("announce.lua");

	private final Script readNode = Script.load("read-node.lua");

	private final Script leave = Script.load("leave.lua");

	private StatefulRedisConnection<String, String> connection;

	private StatefulRedisPubSubConnection<String, String> subscription;

	/**
	 * @param commandsSent told the name of each command as it is sent
	 */
	ClusterStore(LettuceConnectionFactory connectionFactory, JsonMapper jsonMapper, Duration timeout, String keyPrefix,
			Consumer<String> commandsSent) {
		this.connectionFactory = connectionFactory;
		this.jsonMapper = jsonMapper;
		this.timeout = timeout;
		String tag = "{" + keyPrefix + "}:";
		this.nodesKey = tag + "nodes";
		this.sessionsKeyPrefix = tag + "sessions:";
		this.channel = tag + "changes";
		this.commandsSent = commandsSent;
	}

	/** The key of a node's sessions hash. */
	String sessionsKey(String node) {
		return this.sessionsKeyPrefix + node;
	}

	String nodesKey() {
		return this.nodesKey;
	}

	String channel() {
		return this.channel;
	}

	/**
	 * Connects, unless connected: once made, a connection reconnects by itself.
	 * @throws RuntimeException if Redis cannot be reached now
	 */
	void connect() {
		if (this.connection == null) {
			StatefulRedisConnection<String, String> made = client().connect(StringCodec.UTF8);
			made.setTimeout(this.timeout);
			this.connection = made;
		}
	}

	/**
	 * Subscribes to the cluster's channel, unless subscribed: Lettuce subscribes again by itself
	 * after a reconnect. {@code notices} is called on Lettuce's I/O thread, so it must only hand
	 * the notice over.
	 */
	void subscribe(Consumer<String> notices) {
		if (this.subscription == null) {
			StatefulRedisPubSubConnection<String, String> made = client().connectPubSub(StringCodec.UTF8);
			made.setTimeout(this.timeout);
			made.addListener(new RedisPubSubAdapter<>() {
				@Override
				public void message(String channel, String message) {
					notices.accept(message);
				}
			});
			try {
				sending(made, "subscribe");
				made.sync().subscribe(this.channel);
			}
			catch (RuntimeException ex) {
				made.close();
				throw ex;
			}
			this.subscription = made;
		}
	}

	private RedisClient client() {
		if (this.connectionFactory.getRequiredNativeClient() instanceof RedisClient client) {
			return client;
		}
		throw new IllegalStateException("heartbeat.cluster needs one Redis server (or Sentinel), not Redis Cluster");
	}

	/**
	 * Registers this node with every session it holds, replacing what Redis had under its id.
	 * @return Redis's clock, ms
	 */
	long register(String node, NodeEntry entry, Map<String, Announced> sessions, Duration lease, Notice notice) {
		List<String> args = new ArrayList<>(5 + 2 * sessions.size());
		args.add(node);
		args.add(json(entry));
		args.add(String.valueOf(lease.toMillis()));
		args.add(this.channel);
		args.add(json(notice));
		sessions.forEach((id, session) -> {
			args.add(id);
			args.add(json(session));
		});
		Long now = run(this.register, ScriptOutputType.INTEGER, keys(this.nodesKey, sessionsKey(node)), args);
		return now;
	}

	/** Renews this node's lease and removes the nodes whose lease ran out. */
	Renewal renew(String node, long incarnation, Duration lease) {
		String answer = run(this.renew, ScriptOutputType.VALUE, keys(this.nodesKey),
				List.of(node, String.valueOf(incarnation), String.valueOf(lease.toMillis()), this.sessionsKeyPrefix,
						this.channel));
		return this.jsonMapper.readValue(answer, Renewal.class);
	}

	/**
	 * Announces sessions opened and closed since version {@code version}.
	 * @return {@code false} if refused: this node's entry is gone or not the one it wrote last
	 */
	boolean announce(String node, long incarnation, long version, int sessions, List<Opened> opened,
			List<Closed> closed, Notice notice) {
		List<String> args = new ArrayList<>(7 + 2 * opened.size() + closed.size());
		args.add(node);
		args.add(String.valueOf(incarnation));
		args.add(String.valueOf(version));
		args.add(String.valueOf(sessions));
		args.add(this.channel);
		args.add(json(notice));
		args.add(String.valueOf(opened.size()));
		for (Opened session : opened) {
			args.add(session.id());
			args.add(json(new Announced(session.remoteAddress(), session.connectedAt())));
		}
		for (Closed session : closed) {
			args.add(session.id());
		}
		Long done = run(this.announce, ScriptOutputType.INTEGER, keys(this.nodesKey, sessionsKey(node)), args);
		return done != null && done == 1;
	}

	/** One node's entry and every session it holds, read at one version. */
	NodeRead read(String node) {
		List<String> answer = run(this.readNode, ScriptOutputType.MULTI, keys(this.nodesKey, sessionsKey(node)),
				List.of(node));
		String entry = answer.get(0);
		Map<String, Announced> sessions = new LinkedHashMap<>();
		for (int i = 1; i + 1 < answer.size(); i += 2) {
			sessions.put(answer.get(i), this.jsonMapper.readValue(answer.get(i + 1), Announced.class));
		}
		return new NodeRead(entry.isEmpty() ? null : this.jsonMapper.readValue(entry, NodeEntry.class), sessions);
	}

	/** What {@link #read} found: the node's entry ({@code null} if it has none) and its sessions. */
	record NodeRead(NodeEntry entry, Map<String, Announced> sessions) {
	}

	/** Takes this node out of the cluster, if its entry is still this incarnation's. */
	boolean leave(String node, long incarnation, Notice notice) {
		Long left = run(this.leave, ScriptOutputType.INTEGER, keys(this.nodesKey, sessionsKey(node)),
				List.of(node, String.valueOf(incarnation), this.channel, json(notice)));
		return left != null && left == 1;
	}

	// EVALSHA sends the script's digest, not its text; a Redis that restarted has forgotten the
	// script, and EVAL sends it whole once, which also loads it again.
	private <T> T run(Script script, ScriptOutputType type, String[] keys, List<String> args) {
		if (this.connection == null) {
			throw new IllegalStateException("not connected to Redis");
		}
		RedisCommands<String, String> commands = this.connection.sync();
		String[] values = args.toArray(String[]::new);
		try {
			sending(this.connection, "evalsha");
			return commands.evalsha(script.digest(), type, keys, values);
		}
		catch (RedisNoScriptException ex) {
			sending(this.connection, "eval");
			return commands.eval(script.text(), type, keys, values);
		}
	}

	// While a connection is down Lettuce rejects its commands at once, without sending them: they
	// are not counted, so that the count stays what Redis received. (Lettuce's own handshake and
	// its subscribing again after a reconnect are not this class's commands.)
	private void sending(StatefulConnection<?, ?> over, String command) {
		if (over.isOpen()) {
			this.commandsSent.accept(command);
		}
	}

	private static String[] keys(String... keys) {
		return keys;
	}

	String json(Object value) {
		return this.jsonMapper.writeValueAsString(value);
	}

	@Override
	public void close() {
		if (this.subscription != null) {
			this.subscription.close();
			this.subscription = null;
		}
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

	/** A Lua script beside this class, and its SHA-1 digest, as Redis names it. */
	record Script(String text, String digest) {

		static Script load(String name) {
			try {
				String text = new ClassPathResource(name, ClusterStore.class).getContentAsString(StandardCharsets.UTF_8);
				return new Script(text, sha1(text));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the cluster's script " + name, ex);
			}
		}

		private static String sha1(String text) {
			try {
				byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
				return HexFormat.of().formatHex(digest);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}

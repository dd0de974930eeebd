package io.wsheartbeat.cluster;

import java.time.Duration;
import java.util.function.Consumer;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One connection to Redis, made on first use from Boot's Lettuce client, that counts the
 * commands sent over it. Once made it reconnects by itself; while it is down its commands fail
 * at once (see {@link ClusterConfiguration}), and each waits at most the command timeout.
 */
final class RedisConnection {

	private final LettuceConnectionFactory connectionFactory;

	private final Duration timeout;

	private final Consumer<String> commandsSent;

	private StatefulRedisConnection<String, String> connection;

	RedisConnection(LettuceConnectionFactory connectionFactory, Duration timeout, Consumer<String> commandsSent) {
		this.connectionFactory = connectionFactory;
		this.timeout = timeout;
		this.commandsSent = commandsSent;
	}

	/**
	 * The connection's commands, counting {@code command} as sent. While the connection is down
	 * Lettuce rejects commands at once, without sending them: those are not counted, so that the
	 * count stays what Redis received.
	 */
	synchronized RedisCommands<String, String> commands(String command) {
		if (this.connection == null) {
			if (!(this.connectionFactory.getRequiredNativeClient() instanceof RedisClient client)) {
				throw new IllegalStateException("heartbeat.cluster needs one Redis server (or Sentinel)");
			}
			StatefulRedisConnection<String, String> made = client.connect(StringCodec.UTF8);
			made.setTimeout(this.timeout);
			this.connection = made;
		}
		if (this.connection.isOpen()) {
			this.commandsSent.accept(command);
		}
		return this.connection.sync();
	}

	synchronized void close() {
		if (this.connection != null) {
			this.connection.close();
			this.connection = null;
		}
	}

}

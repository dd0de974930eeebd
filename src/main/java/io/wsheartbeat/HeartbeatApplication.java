package io.wsheartbeat;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;

/**
 * A WebSocket server that notices dead connections, and a page that shows it doing so.
 *
 * <p>Redis is for cluster mode only. Boot would configure a Redis client whenever its starter is
 * on the class path, with Lettuce's threads and a health check that turns a server with no Redis
 * DOWN; so its Redis auto-configuration is left out here, and {@code io.wsheartbeat.cluster}
 * imports the client alone when {@code heartbeat.cluster.enabled}. Excluded on the annotation
 * rather than in {@code spring.autoconfigure.exclude}, which an operator's own exclusions would
 * replace.
 */
@SpringBootApplication(exclude = { DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class,
		DataRedisRepositoriesAutoConfiguration.class, DataRedisHealthContributorAutoConfiguration.class,
		DataRedisReactiveHealthContributorAutoConfiguration.class, LettuceObservationAutoConfiguration.class })
@ConfigurationPropertiesScan
public class HeartbeatApplication {

	public static void main(String[] args) {
		SpringApplication.run(HeartbeatApplication.class, args);
	}

}

package io.wsheartbeat.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.wsheartbeat.cluster.ClusterConfiguration.RedisTopology;
import io.wsheartbeat.heartbeat.HeartbeatProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster mode runs on one Redis server or on Sentinel, and start-up refuses Boot's other two
 * topologies with a message that says what is supported. Only the Redis client's configuration
 * starts here: none of it connects before the cluster's thread does, so no Redis is needed.
 */
class RedisTopologyTests {

	/** What every refusal must say: the two topologies that work and the keys that set them. */
	private static final String SUPPORTED = "heartbeat.cluster runs on one Redis server (spring.data.redis.host and "
			+ "spring.data.redis.port, or spring.data.redis.url) or on Redis Sentinel (spring.data.redis.sentinel.master "
			+ "and spring.data.redis.sentinel.nodes)";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(RedisClientOnly.class)
		.withPropertyValues("heartbeat.cluster.enabled=true");

	@Test
	void shouldRefuseRedisClusterAtStartSayingWhatIsSupported() {
		this.runner.withPropertyValues("spring.data.redis.cluster.nodes=127.0.0.1:7000,127.0.0.1:7001")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageStartingWith(SUPPORTED)
					.hasMessageContaining("spring.data.redis.cluster.* (Redis Cluster) is not supported");
			});
	}

	@Test
	void shouldRefuseAStaticMasterAndReplicasAtStartSayingWhatIsSupported() {
		this.runner.withPropertyValues("spring.data.redis.masterreplica.nodes=127.0.0.1:6379,127.0.0.1:6380")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageStartingWith(SUPPORTED)
					.hasMessageContaining("spring.data.redis.masterreplica.* (a static master and replicas) is not supported")
					.hasMessageContaining("run Sentinel and set spring.data.redis.sentinel.*");
			});
	}

	/** Boot would quietly take Sentinel and ignore the cluster's nodes: a setting that is ignored is refused too. */
	@Test
	void shouldRefuseRedisClusterEvenBesideSentinel() {
		this.runner
			.withPropertyValues("spring.data.redis.sentinel.master=heartbeat",
					"spring.data.redis.sentinel.nodes=127.0.0.1:26379", "spring.data.redis.cluster.nodes=127.0.0.1:7000")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("spring.data.redis.cluster.* (Redis Cluster) is not supported"));
	}

	@Test
	void shouldRunOnSentinel() {
		this.runner
			.withPropertyValues("spring.data.redis.sentinel.master=heartbeat",
					"spring.data.redis.sentinel.nodes=127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RedisTopology.class)).isEqualTo(RedisTopology.SENTINEL);
				assertThat(context.getBean(LettuceConnectionFactory.class).isRedisSentinelAware()).isTrue();
			});
	}

	@Test
	void shouldRunOnOneServer() {
		this.runner.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=6390").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisTopology.class)).isEqualTo(RedisTopology.ONE_SERVER);
			assertThat(context.getBean(LettuceConnectionFactory.class).getStandaloneConfiguration().getPort())
				.isEqualTo(6390);
		});
	}

	/** The cluster's Redis client and the properties it reads, without the membership that would connect. */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ HeartbeatProperties.class, ClusterProperties.class })
	@Import(ClusterConfiguration.class)
	static class RedisClientOnly {

	}

}

package io.wsheartbeat.cluster;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A default that only cluster mode needs, added last so that any setting of the operator's wins:
 * the health endpoint lists its components, so that {@code cluster} can say Redis is down while
 * the overall status, and the liveness and readiness groups, stay UP. A server on its own keeps
 * Boot's default, the overall status alone.
 */
class ClusterDefaults implements EnvironmentPostProcessor, Ordered {

	static final Map<String, Object> DEFAULTS = Map.of("management.endpoint.health.show-components", "always");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("heartbeat.cluster.enabled", Boolean.class, false)) {
			environment.getPropertySources().addLast(new MapPropertySource("heartbeatClusterDefaults", DEFAULTS));
		}
	}

	// After the configuration files and the command line have been read.
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

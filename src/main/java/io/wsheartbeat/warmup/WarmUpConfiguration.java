package io.wsheartbeat.warmup;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsheartbeat.heartbeat.SessionRegistry;

/**
 * The warm start ({@link WarmUp}), through the web server's {@link SideDoor};
 * {@code heartbeat.warm-up.enabled=false} turns it off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WarmUpProperties.class)
class WarmUpConfiguration {

	@Bean
	WarmUpSessions warmUpSessions() {
		return new WarmUpSessions();
	}

	@Bean
	WarmUp warmUp(WarmUpProperties properties, WarmUpSessions sessions, SessionRegistry registry,
			ApplicationContext context, ObjectProvider<SideDoor> sideDoor, ObjectProvider<LoggingSystem> logging) {
		return new WarmUp(properties, sessions, registry, context, sideDoor.getIfAvailable(), logging.getIfAvailable());
	}

}

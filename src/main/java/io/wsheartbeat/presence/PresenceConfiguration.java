package io.wsheartbeat.presence;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.heartbeat.SessionListener;

/**
 * Presence, when {@code heartbeat.presence.enabled}: the client ids from the handshake, the
 * listener that feeds the book, the stream and the meters. The book is kept in memory on a server of its own;
 * in a cluster ({@code heartbeat.cluster.enabled}) the cluster provides it, in Redis.
 * Off, none of this exists, and the API answers 403.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("heartbeat.presence.enabled")
class PresenceConfiguration {

	/** How often a reconnecting key's grace is checked: the most it runs over. */
	static final Duration EXPIRY_PASS = Duration.ofMillis(250);

	@Bean
	static PresenceEvents presenceEvents() {
		return new PresenceEvents();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "heartbeat.cluster.enabled", havingValue = false, matchIfMissing = true)
	LocalPresence presenceBook(PresenceEvents events, PresenceProperties settings, MonotonicClock clock,
			Clock wallClock, ObjectProvider<ServerNode> node, TaskScheduler scheduler) {
		ServerNode self = node.getIfAvailable();
		LocalPresence book = new LocalPresence(events, settings, clock, wallClock, (self != null) ? self.id() : null);
		scheduler.scheduleWithFixedDelay(book::expire, EXPIRY_PASS);
		return book;
	}

	@Bean
	static HandshakeInterceptor presenceClientIds() {
		return new ClientIds();
	}

	@Bean
	SessionListener presenceSessions(PresenceBook book) {
		return new PresenceSessions(book);
	}

	@Bean
	PresenceMetrics presenceMetrics(MeterRegistry meters, PresenceEvents events) {
		return new PresenceMetrics(meters, events);
	}

	@Bean(destroyMethod = "destroy")
	PresenceStream presenceStream(PresenceBook book, PresenceEvents events, JsonMapper jsonMapper) {
		return new PresenceStream(book, events, jsonMapper);
	}

}

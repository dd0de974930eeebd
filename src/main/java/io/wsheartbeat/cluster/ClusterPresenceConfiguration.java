package io.wsheartbeat.cluster;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.wsheartbeat.heartbeat.MonotonicClock;
import io.wsheartbeat.presence.PresenceEvents;
import io.wsheartbeat.presence.PresenceProperties;

/**
 * Presence in a cluster: the book is kept in Redis, in place of the server's own in memory
 * ({@code PresenceConfiguration} makes that one only with the cluster off), and its writes ride
 * on the membership's passes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
@ConditionalOnBooleanProperty("heartbeat.presence.enabled")
class ClusterPresenceConfiguration {

	@Bean
	ClusterPresence presenceBook(RedisClusterStore store, JsonMapper jsonMapper, ClusterProperties cluster,
			PresenceProperties presence, PresenceEvents events, ClusterState state, ThisNode self,
			ClusterMembership membership, MonotonicClock clock) {
		ClusterPresence book = new ClusterPresence(new PresenceStore(store, jsonMapper, cluster, presence), events, state,
				self.id(), clock, cluster);
		membership.presence(book);
		return book;
	}

}

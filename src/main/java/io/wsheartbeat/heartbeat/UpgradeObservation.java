package io.wsheartbeat.heartbeat;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * No {@code http.server.requests} observation for the upgrade to {@code /ws}. Boot observes every
 * HTTP exchange; for {@code /ws} that is a timer per handshake, tagged with status 101, which says
 * nothing the heartbeat's own meters ({@code heartbeat.sessions.active}) do not, and it was 8% of the
 * CPU samples of a warm handshake ramp (docs/performance.md). Pages, the API and health stay
 * observed.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ObservationPredicate.class)
class UpgradeObservation {

	static final String SERVER_REQUESTS = "http.server.requests";

	@Bean
	ObservationPredicate noServerRequestObservationForTheUpgrade() {
		return (name, context) -> !(SERVER_REQUESTS.equals(name)
				&& context instanceof ServerRequestObservationContext request
				&& isUpgrade(request));
	}

	private static boolean isUpgrade(ServerRequestObservationContext request) {
		String uri = request.getCarrier().getRequestURI();
		return uri.equals(request.getCarrier().getContextPath() + HeartbeatConfiguration.ENDPOINT);
	}

}

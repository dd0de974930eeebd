package io.wsheartbeat.demo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Configuration;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * Checks, when the demo is on, what its settings need of the heartbeat's: a check across two
 * records, which neither record's own validation can see. Start-up stops here, naming the keys,
 * rather than a storm failing at run time with its own clients turned away.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("heartbeat.demo.faults-enabled")
class DemoConfiguration {

	DemoConfiguration(DemoProperties demo, HeartbeatProperties heartbeat) {
		if (!demo.stormFitsWithin(heartbeat)) {
			throw new IllegalStateException("heartbeat.demo.storm-max-clients (" + demo.stormMaxClients()
					+ ") must be below heartbeat.max-sessions-per-address (" + heartbeat.maxSessionsPerAddress()
					+ ") and heartbeat.max-sessions (" + heartbeat.maxSessions()
					+ ") while heartbeat.demo.faults-enabled: the storm's clients all come from the server's own address");
		}
	}

}

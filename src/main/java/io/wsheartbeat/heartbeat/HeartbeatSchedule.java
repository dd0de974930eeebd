package io.wsheartbeat.heartbeat;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Puts the reaper and the pinger on the scheduler, at the periods from {@link HeartbeatProperties}.
 *
 * <p>Registered here rather than with {@code @Scheduled("${...}")} so that the record stays the one
 * place for each default, and so that a ping interval of 0 can mean "no pings" instead of a task
 * that spins. Both tasks only read the registry and hand network work to {@link SessionTasks},
 * so Boot's one scheduler thread is enough.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class HeartbeatSchedule implements SchedulingConfigurer {

	private final HeartbeatProperties properties;

	private final SessionReaper reaper;

	private final ServerPinger pinger;

	HeartbeatSchedule(HeartbeatProperties properties, SessionReaper reaper, ServerPinger pinger) {
		this.properties = properties;
		this.reaper = reaper;
		this.pinger = pinger;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this.reaper::reap, this.properties.reaperPeriod());
		if (HeartbeatProperties.isPositive(this.properties.serverPingInterval())) {
			registrar.addFixedDelayTask(this.pinger::pingDueSessions, this.pinger.passPeriod());
		}
	}

}

package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class HeartbeatScheduleTests {

	@Test
	void schedulesTheReaperAndThePinger() {
		assertThat(tasksFor(TestProperties.defaults())).isEqualTo(2);
	}

	@Test
	void aPingIntervalOfZeroTurnsPingsOff() {
		assertThat(tasksFor(TestProperties.of(Map.of("heartbeat.server-ping-interval", "0")))).isEqualTo(1);
	}

	private static int tasksFor(HeartbeatProperties properties) {
		ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
		ServerPinger pinger = mock(ServerPinger.class);
		given(pinger.passPeriod()).willReturn(Duration.ofSeconds(1));
		new HeartbeatSchedule(properties, mock(SessionReaper.class), pinger).configureTasks(registrar);
		return registrar.getFixedDelayTaskList().size() + registrar.getFixedRateTaskList().size();
	}

}

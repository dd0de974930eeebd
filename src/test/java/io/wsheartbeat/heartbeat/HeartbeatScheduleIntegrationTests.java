package io.wsheartbeat.heartbeat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reaper and the pinger run on the scheduler at the periods their properties give: the
 * {@code @Scheduled} expressions read the properties record, the one place for each default.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.reaper-period=250ms", "heartbeat.server-ping-interval=300ms" })
class HeartbeatScheduleIntegrationTests {

	@Autowired
	List<ScheduledTaskHolder> holders;

	@Test
	void shouldRunTheReaperEveryReaperPeriodAndThePingerEveryPingInterval() {
		assertThat(fixedDelayOf("SessionReaper.reap")).isEqualTo(Duration.ofMillis(250));
		assertThat(fixedDelayOf("ServerPinger.pingDueSessions")).isEqualTo(Duration.ofMillis(300));
	}

	private Duration fixedDelayOf(String method) {
		return this.holders.stream()
			.flatMap((holder) -> holder.getScheduledTasks().stream())
			.map(ScheduledTask::getTask)
			.filter((task) -> task instanceof FixedDelayTask && task.toString().endsWith(method))
			.map((task) -> ((FixedDelayTask) task).getIntervalDuration())
			.findFirst()
			.orElseThrow(() -> new AssertionError("no fixed-delay task runs " + method));
	}

}

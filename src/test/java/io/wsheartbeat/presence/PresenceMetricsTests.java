package io.wsheartbeat.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The meters follow the book's events: transitions counted per state, keys per state as the last event left them. */
class PresenceMetricsTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final PresenceEvents events = new PresenceEvents();

	private final ManualClock clock = new ManualClock();

	private final LocalPresence book = new LocalPresence(this.events,
			TestProperties.of("heartbeat.presence", PresenceProperties.class, Map.of()), this.clock,
			Clock.systemUTC(), null);

	PresenceMetricsTests() {
		new PresenceMetrics(this.meters, this.events);
	}

	@Test
	void countsTransitionsAndKeysPerState() {
		this.book.opened("client:a", "s1");
		this.book.opened("client:b", "s2");
		this.book.closed("client:a", "s1", 1006, "");
		this.book.closed("client:b", "s2", 1000, "");
		this.book.opened("client:a", "s3");

		assertThat(transitions("online")).isEqualTo(3);
		assertThat(transitions("reconnecting")).isEqualTo(1);
		assertThat(transitions("offline")).isEqualTo(1);
		assertThat(keys("online")).isEqualTo(1);
		assertThat(keys("reconnecting")).isZero();
		assertThat(keys("offline")).isEqualTo(1);

		this.book.closed("client:a", "s3", 4000, "heartbeat timeout");
		this.clock.advance(Duration.ofSeconds(16));
		this.book.expire();
		assertThat(transitions("offline")).as("the grace ran out").isEqualTo(2);
		assertThat(keys("offline")).isEqualTo(2);
		assertThat(keys("online")).isZero();
	}

	private double transitions(String state) {
		return this.meters.get("heartbeat.presence.transitions").tag("state", state).counter().count();
	}

	private double keys(String state) {
		return this.meters.get("heartbeat.presence.keys").tag("state", state).gauge().value();
	}

}

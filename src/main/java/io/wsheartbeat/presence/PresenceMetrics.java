package io.wsheartbeat.presence;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Presence's meters, fed by the book's events and never by reading the book: a scrape answers
 * at once whatever Redis does. In a cluster every node sees every event, so each node's
 * figures are the cluster's.
 */
class PresenceMetrics {

	private final Map<PresenceState, Counter> transitions = new EnumMap<>(PresenceState.class);

	private volatile PresencePage.Counts counts = new PresencePage.Counts(0, 0, 0);

	PresenceMetrics(MeterRegistry meters, PresenceEvents events) {
		for (PresenceState state : PresenceState.values()) {
			this.transitions.put(state, Counter.builder("heartbeat.presence.transitions")
				.tag("state", state.json())
				.description("Keys that moved into this state, in the whole book")
				.register(meters));
			Gauge.builder("heartbeat.presence.keys", this, (metrics) -> metrics.count(state))
				.tag("state", state.json())
				.description("Keys in this state, as the last transition this node saw left the book")
				.register(meters);
		}
		events.listen(this::transition);
	}

	private void transition(PresenceEvent event) {
		this.transitions.get(event.state()).increment();
		if (event.counts() != null) {
			this.counts = event.counts();
		}
	}

	private double count(PresenceState state) {
		PresencePage.Counts now = this.counts;
		return switch (state) {
			case ONLINE -> now.online();
			case RECONNECTING -> now.reconnecting();
			case OFFLINE -> now.offline();
		};
	}

}

package io.wsheartbeat.presence;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wsheartbeat.support.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract against a server's own book, on a clock the test moves: every change is applied
 * as it is told, and the grace runs out when the clock passes it and the book's sweep runs.
 */
class LocalPresenceTests extends PresenceBookContract {

	private static final Duration GRACE = Duration.ofSeconds(15);

	private static final Duration KEEP_OFFLINE = Duration.ofSeconds(60);

	private final ManualClock clock = new ManualClock();

	private final List<PresenceEvent> events = new CopyOnWriteArrayList<>();

	private final LocalPresence book;

	LocalPresenceTests() {
		PresenceEvents published = new PresenceEvents();
		published.listen(this.events::add);
		this.book = new LocalPresence(published, new PresenceProperties(true, GRACE, KEEP_OFFLINE), this.clock,
				Clock.systemUTC(), null);
	}

	@Override
	protected PresenceBook book(int index) {
		return this.book;
	}

	@Override
	protected List<List<PresenceEvent>> events() {
		return List.of(this.events);
	}

	@Override
	protected void eventually(String why, Runnable assertion) {
		assertion.run();
	}

	@Override
	protected void settle() {
	}

	@Override
	protected void throughTheGrace(String why, Runnable assertion) {
		for (int step = 0; step < 10; step++) {
			this.clock.advance(GRACE.dividedBy(5));
			this.book.expire();
			assertion.run();
		}
	}

	@Override
	protected void graceRunsOut() {
		// To the nanosecond: the grace is up when the clock reaches it, not after.
		this.clock.advance(GRACE.minusNanos(1));
		this.book.expire();
		assertThatStill(PresenceState.RECONNECTING);
		this.clock.advance(Duration.ofNanos(1));
		this.book.expire();
	}

	private void assertThatStill(PresenceState state) {
		assertThat(this.book.page(null, 100).keys())
			.extracting(KeyPresence::state)
			.as("a nanosecond before the grace is up")
			.contains(state);
	}

	@Override
	protected void keepOfflineRunsOut() {
		this.clock.advance(KEEP_OFFLINE);
		this.book.expire();
	}

}

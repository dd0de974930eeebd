package io.wsheartbeat.presence;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The rules every book keeps, whatever holds it: a server's own in memory on a clock the test
 * sets ({@code LocalPresenceTests}), the cluster's in Redis with two nodes and real time
 * ({@code ClusterPresenceContractTests}). A book that applies changes as told passes each
 * {@link #eventually} at once; the cluster's within a bound its subclass gives and explains. A
 * cluster node hands on the events of a call after Redis ran it, so a state read from Redis can
 * come before its event: events are checked {@link #eventually} too.
 */
public abstract class PresenceBookContract {

	/** The book of node {@code index} (0 or 1); a server on its own has one book for both. */
	protected abstract PresenceBook book(int index);

	/** Every node's events, as its {@link PresenceEvents} handed them on. */
	protected abstract List<List<PresenceEvent>> events();

	/** Until {@code assertion} holds, within what the book needs to apply what it was told. */
	protected abstract void eventually(String why, Runnable assertion);

	/** Whatever was told has been applied: a check made now sees it. */
	protected abstract void settle();

	/** The grace runs by, and more, while {@code assertion} holds all along. */
	protected abstract void throughTheGrace(String why, Runnable assertion);

	/** A stretch past keep-offline (which the cluster's {@link #eventually} covers anyway). */
	protected abstract void keepOfflineRunsOut();

	/** The grace runs out (which the cluster's {@link #eventually} covers anyway). */
	protected abstract void graceRunsOut();

	private PresenceBook first() {
		return book(0);
	}

	private PresenceBook last() {
		return book(1);
	}

	private void state(String key, PresenceState state, String reason) {
		eventually(key + " " + state.json() + " (" + reason + ")",
				() -> assertThat(first().find(key)).hasValueSatisfying((presence) -> assertThat(presence)
					.extracting(KeyPresence::state, KeyPresence::reason)
					.containsExactly(state, reason)));
	}

	private List<PresenceEvent> eventsOf(int node, String key) {
		return events().get(node).stream().filter((event) -> event.key().equals(key)).toList();
	}

	@Test
	void aKeyWithTwoSessionsStaysOnlineWhenOneOfThemCloses() {
		first().opened("user:ada", "s1");
		last().opened("user:ada", "s2");
		eventually("both sessions listed", () -> assertThat(first().find("user:ada")).hasValueSatisfying(
				(presence) -> assertThat(presence.sessions()).extracting(KeyPresence.Session::id).containsOnly("s1", "s2")));
		first().closed("user:ada", "s1", 1006, "");
		settle();
		assertThat(first().find("user:ada")).hasValueSatisfying((presence) -> {
			assertThat(presence.state()).isEqualTo(PresenceState.ONLINE);
			assertThat(presence.sessions()).extracting(KeyPresence.Session::id).containsExactly("s2");
		});
		assertThat(eventsOf(0, "user:ada")).extracting(PresenceEvent::state, PresenceEvent::reason)
			.containsExactly(tuple(PresenceState.ONLINE, Transitions.CONNECTED));
	}

	@Test
	void theLastCloseBeginsTheGraceAndASessionWithinItIsAReconnectNeverOffline() {
		first().opened("client:c1", "s1");
		state("client:c1", PresenceState.ONLINE, Transitions.CONNECTED);
		first().closed("client:c1", "s1", 1006, "gone");
		state("client:c1", PresenceState.RECONNECTING, "closed 1006 gone");
		last().opened("client:c1", "s2");
		state("client:c1", PresenceState.ONLINE, Transitions.RECONNECTED);
		throughTheGrace("online, never offline", () -> {
			assertThat(first().find("client:c1")).map(KeyPresence::state).hasValue(PresenceState.ONLINE);
			assertThat(eventsOf(0, "client:c1")).extracting(PresenceEvent::state).doesNotContain(PresenceState.OFFLINE);
		});
		eventually("its events", () -> assertThat(eventsOf(0, "client:c1"))
			.extracting(PresenceEvent::state, PresenceEvent::reason)
			.containsExactly(tuple(PresenceState.ONLINE, Transitions.CONNECTED),
					tuple(PresenceState.RECONNECTING, "closed 1006 gone"),
					tuple(PresenceState.ONLINE, Transitions.RECONNECTED)));
	}

	@Test
	void aGoodbyeIsOfflineAtOnce() {
		first().opened("client:c2", "s1");
		state("client:c2", PresenceState.ONLINE, Transitions.CONNECTED);
		first().closed("client:c2", "s1", 1000, "bye");
		state("client:c2", PresenceState.OFFLINE, Transitions.DISCONNECTED);
		eventually("its events", () -> assertThat(eventsOf(0, "client:c2")).extracting(PresenceEvent::state)
			.containsExactly(PresenceState.ONLINE, PresenceState.OFFLINE));
	}

	@Test
	void theGraceRunsOutOfflineAndTheKeyIsForgottenAfterKeepOffline() {
		first().opened("client:c3", "s1");
		state("client:c3", PresenceState.ONLINE, Transitions.CONNECTED);
		first().closed("client:c3", "s1", 4000, "");
		state("client:c3", PresenceState.RECONNECTING, "closed 4000");
		graceRunsOut();
		state("client:c3", PresenceState.OFFLINE, Transitions.GRACE_RAN_OUT);
		keepOfflineRunsOut();
		eventually("forgotten after keep-offline", () -> assertThat(first().find("client:c3")).isEmpty());
		eventually("its events", () -> assertThat(eventsOf(0, "client:c3")).extracting(PresenceEvent::state)
			.containsExactly(PresenceState.ONLINE, PresenceState.RECONNECTING, PresenceState.OFFLINE));
	}

	@Test
	void everyNodeSeesTheSameEventsInOneOrderOfIncreasingSequence() {
		first().opened("client:a", "s1");
		last().opened("client:b", "s2");
		state("client:a", PresenceState.ONLINE, Transitions.CONNECTED);
		state("client:b", PresenceState.ONLINE, Transitions.CONNECTED);
		first().closed("client:a", "s1", 1000, "");
		last().closed("client:b", "s2", 1001, "");
		state("client:b", PresenceState.RECONNECTING, "closed 1001");
		last().opened("client:b", "s3");
		eventually("every transition seen by every node", () -> {
			for (List<PresenceEvent> seen : events()) {
				assertThat(seen).extracting(PresenceEvent::key, PresenceEvent::state)
					.containsSubsequence(tuple("client:a", PresenceState.ONLINE), tuple("client:a", PresenceState.OFFLINE))
					.containsSubsequence(tuple("client:b", PresenceState.ONLINE), tuple("client:b", PresenceState.RECONNECTING),
							tuple("client:b", PresenceState.ONLINE));
			}
		});
		settle();
		List<PresenceEvent> seen = events().get(0);
		assertThat(seen).extracting(PresenceEvent::sequence).isSorted().doesNotHaveDuplicates();
		for (List<PresenceEvent> other : events()) {
			eventually("the same events on every node", () -> assertThat(other).isEqualTo(seen));
		}
		assertThat(first().find("client:b")).map(KeyPresence::sequence)
			.hasValue(eventsOf(0, "client:b").get(2).sequence());
	}

	@Test
	void aPageListsTheKeysInKeyOrderWithTheCountsPerState() {
		first().opened("client:b", "s1");
		last().opened("client:a", "s2");
		first().opened("client:d", "s3");
		first().opened("client:c", "s4");
		state("client:c", PresenceState.ONLINE, Transitions.CONNECTED);
		state("client:d", PresenceState.ONLINE, Transitions.CONNECTED);
		first().closed("client:c", "s4", 1000, "");
		first().closed("client:d", "s3", 1006, "");
		eventually("two online, one reconnecting, one offline", () -> assertThat(first().page(null, 10).counts())
			.isEqualTo(new PresencePage.Counts(2, 1, 1)));
		eventually("every node's last event carries the counts after it", () -> {
			for (List<PresenceEvent> seen : events()) {
				assertThat(seen).last().extracting(PresenceEvent::counts).isEqualTo(new PresencePage.Counts(2, 1, 1));
			}
		});
		PresencePage page = last().page(null, 3);
		assertThat(page.keys()).extracting(KeyPresence::key).containsExactly("client:a", "client:b", "client:c");
		assertThat(page.next()).isEqualTo("client:c");
		PresencePage rest = last().page(page.next(), 3);
		assertThat(rest.keys()).extracting(KeyPresence::key, KeyPresence::state)
			.containsExactly(tuple("client:d", PresenceState.RECONNECTING));
		assertThat(rest.next()).isNull();
	}

}

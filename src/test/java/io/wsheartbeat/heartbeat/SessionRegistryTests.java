package io.wsheartbeat.heartbeat;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.heartbeat.SessionRegistry.Admission;

import static org.assertj.core.api.Assertions.assertThat;

class SessionRegistryTests {

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties.withMaxSessions(3);

	private final SessionRegistry registry = new SessionRegistry(this.properties, this.clock, Clock.systemUTC());

	@Test
	void shouldRemoveASessionExactlyOnce() {
		TrackedSession session = Sessions.tracked(Sessions.connection("a"), this.clock, this.properties);
		this.registry.add(session);

		assertThat(this.registry.remove("a", CloseCodes.HEARTBEAT_TIMEOUT)).contains(session);
		assertThat(this.registry.remove("a", CloseCodes.HEARTBEAT_TIMEOUT)).isEmpty();
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void shouldRefuseSessionsBeyondMaxSessionsAndTakeThemAgainOnceAPlaceIsFree() {
		for (String id : new String[] { "a", "b", "c" }) {
			assertThat(this.registry.add(Sessions.tracked(Sessions.connection(id), this.clock, this.properties))).isEqualTo(Admission.ADMITTED);
		}
		assertThat(this.registry.add(Sessions.tracked(Sessions.connection("d"), this.clock, this.properties))).isEqualTo(Admission.SERVER_FULL);

		this.registry.remove("b", CloseCodes.HEARTBEAT_TIMEOUT);
		assertThat(this.registry.add(Sessions.tracked(Sessions.connection("d"), this.clock, this.properties))).isEqualTo(Admission.ADMITTED);
		assertThat(this.registry.size()).isEqualTo(3);
	}

	@Test
	void shouldNeverAdmitMoreThanMaxSessionsWhenClientsRace() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger admitted = new AtomicInteger();
		for (int i = 0; i < 200; i++) {
			String id = "s" + i;
			pool.execute(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				if (this.registry.add(Sessions.tracked(Sessions.connection(id), this.clock, this.properties)) == Admission.ADMITTED) {
					admitted.incrementAndGet();
				}
			});
		}
		start.countDown();
		pool.shutdown();
		assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

		assertThat(admitted.get()).isEqualTo(3);
		assertThat(this.registry.size()).isEqualTo(3);
	}

	@Test
	void shouldRefuseSessionsBeyondMaxSessionsPerAddressButAdmitOtherAddresses() {
		HeartbeatProperties twoPerAddress = TestProperties.of(java.util.Map.of("heartbeat.max-sessions-per-address", "2"));
		SessionRegistry registry = new SessionRegistry(twoPerAddress, this.clock, java.time.Clock.systemUTC());
		assertThat(registry.add(Sessions.tracked(Sessions.connection("a1", "192.0.2.1"), this.clock, twoPerAddress))).isEqualTo(Admission.ADMITTED);
		assertThat(registry.add(Sessions.tracked(Sessions.connection("a2", "192.0.2.1"), this.clock, twoPerAddress))).isEqualTo(Admission.ADMITTED);

		assertThat(registry.add(Sessions.tracked(Sessions.connection("a3", "192.0.2.1"), this.clock, twoPerAddress))).isEqualTo(Admission.ADDRESS_FULL);
		assertThat(registry.add(Sessions.tracked(Sessions.connection("b1", "192.0.2.2"), this.clock, twoPerAddress))).isEqualTo(Admission.ADMITTED);

		registry.remove("a1", CloseCodes.HEARTBEAT_TIMEOUT);
		assertThat(registry.add(Sessions.tracked(Sessions.connection("a3", "192.0.2.1"), this.clock, twoPerAddress))).isEqualTo(Admission.ADMITTED);
		assertThat(registry.sessionsFrom("192.0.2.1")).isEqualTo(2);
	}

	@Test
	void shouldForgetAnAddressOnceItsLastSessionLeaves() {
		this.registry.add(Sessions.tracked(Sessions.connection("a"), this.clock, this.properties));
		this.registry.remove("a", org.springframework.web.socket.CloseStatus.NORMAL);

		assertThat(this.registry.sessionsFrom("127.0.0.1")).isZero();
	}

	@Test
	void shouldNotCountARefusalByTheServerLimitAgainstTheAddress() {
		for (String id : new String[] { "a", "b", "c", "d" }) {
			this.registry.add(Sessions.tracked(Sessions.connection(id), this.clock, this.properties));
		}

		assertThat(this.registry.sessionsFrom("127.0.0.1")).isEqualTo(3);
	}

	@Test
	void shouldKeepAClosedSessionInTheViewWithItsCodeUntilItAgesOut() {
		this.registry.add(Sessions.tracked(Sessions.connection("reaped"), this.clock, this.properties));
		this.registry.remove("reaped", CloseCodes.HEARTBEAT_TIMEOUT);
		this.registry.remove("reaped", org.springframework.web.socket.CloseStatus.NORMAL);

		SessionsView view = this.registry.view();
		assertThat(view.open()).isEmpty();
		assertThat(view.recentlyClosed()).singleElement().satisfies((closed) -> {
			assertThat(closed.session().id()).isEqualTo("reaped");
			assertThat(closed.closeCode()).as("the first reason wins").isEqualTo(4000);
			assertThat(closed.closeReason()).isEqualTo("heartbeat timeout");
		});

		this.clock.advance(this.properties.view().keepClosed().plusMillis(1));
		assertThat(this.registry.view().recentlyClosed()).isEmpty();
	}

	@Test
	void shouldKeepOnlyTheNewestClosedSessions() {
		for (int i = 0; i < this.properties.view().maxClosed() + 10; i++) {
			this.registry.add(Sessions.tracked(Sessions.connection("s" + i), this.clock, this.properties));
			this.registry.remove("s" + i, CloseCodes.HEARTBEAT_TIMEOUT);
		}

		List<ClosedSession> closed = this.registry.view().recentlyClosed();
		assertThat(closed).hasSize(this.properties.view().maxClosed());
		assertThat(closed.get(0).session().id()).as("newest first").isEqualTo("s" + (this.properties.view().maxClosed() + 9));
	}

	@Test
	void snapshotShowsSilenceDeadlineAndDeclaredInterval() {
		TrackedSession session = Sessions.tracked(Sessions.connection("a"), this.clock, this.properties);
		this.registry.add(session);
		session.intervalDeclared(java.time.Duration.ofSeconds(30), this.properties.deadlineFor(java.time.Duration.ofSeconds(30)));
		this.clock.advance(java.time.Duration.ofMillis(1500));

		SessionSnapshot snapshot = this.registry.snapshot().get(0);
		assertThat(snapshot.id()).isEqualTo("a");
		assertThat(snapshot.remoteAddress()).isEqualTo("127.0.0.1:40000");
		assertThat(snapshot.silentForMillis()).isEqualTo(1500);
		assertThat(snapshot.ageMillis()).isEqualTo(1500);
		assertThat(snapshot.deadlineMillis()).isEqualTo(45_000);
		assertThat(snapshot.declaredIntervalMillis()).isEqualTo(30_000);
		assertThat(snapshot.lastPongAgoMillis()).isNull();
	}

}

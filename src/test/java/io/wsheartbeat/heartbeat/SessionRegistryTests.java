package io.wsheartbeat.heartbeat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.heartbeat.SessionRegistry.Admission;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.TestProperties;
import io.wsheartbeat.heartbeat.protocol.CloseCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;

class SessionRegistryTests {

	private final ManualClock clock = new ManualClock();

	private final HeartbeatProperties properties = TestProperties.withMaxSessions(3);

	private final SessionRegistry registry = new SessionRegistry(this.properties);

	@Test
	void shouldRemoveASessionExactlyOnce() {
		TrackedSession session = Sessions.tracked(Sessions.connection("a"), this.clock, this.properties);
		this.registry.add(session);

		assertThat(this.registry.remove("a", CloseCodes.HEARTBEAT_TIMEOUT)).contains(session);
		assertThat(this.registry.remove("a", CloseCodes.HEARTBEAT_TIMEOUT)).isEmpty();
		assertThat(this.registry.size()).isZero();
	}

	@Test
	void shouldTellNoListenerOfTheWarmUpsSessions() {
		List<String> heard = new ArrayList<>();
		SessionRegistry registry = new SessionRegistry(this.properties, new SessionListener() {

			@Override
			public void sessionOpened(TrackedSession session) {
				heard.add("opened " + session.id());
			}

			@Override
			public void sessionClosed(TrackedSession session, CloseStatus status) {
				heard.add("closed " + session.id());
			}

		});
		WebSocketSession warmUp = Sessions.connection("warm-up");
		given(warmUp.getAttributes()).willReturn(Map.of(TrackedSession.WARM_UP, Boolean.TRUE));
		TrackedSession warm = Sessions.tracked(warmUp, this.clock, this.properties);
		TrackedSession client = Sessions.tracked(Sessions.connection("client"), this.clock, this.properties);

		assertThat(registry.add(warm)).isEqualTo(Admission.ADMITTED);
		assertThat(registry.add(client)).isEqualTo(Admission.ADMITTED);
		assertThat(registry.remove("warm-up", CloseStatus.NORMAL)).isPresent();
		assertThat(registry.remove("client", CloseStatus.NORMAL)).isPresent();

		assertThat(warm.isWarmUp()).isTrue();
		assertThat(client.isWarmUp()).isFalse();
		assertThat(heard).containsExactly("opened client", "closed client");
		assertThat(registry.size()).isZero();
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
	void shouldKeepTheCountPerAddressExactWhenSessionsFromOneAddressComeAndGoAtOnce() throws Exception {
		HeartbeatProperties fourPerAddress = TestProperties.of(java.util.Map.of("heartbeat.max-sessions-per-address", "4",
				"heartbeat.max-sessions", "1000"));
		SessionRegistry registry = new SessionRegistry(fourPerAddress);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger mostOpen = new AtomicInteger();
		// Every thread opens and closes sessions from the same two hosts, over and over, so that an
		// address often drops to zero (and leaves the map) while another session from it arrives.
		for (int t = 0; t < 8; t++) {
			String host = (t % 2 == 0) ? "192.0.2.1" : "192.0.2.2";
			int thread = t;
			pool.execute(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				for (int i = 0; i < 2_000; i++) {
					String id = "t" + thread + "-" + i;
					if (registry.add(Sessions.tracked(Sessions.connection(id, host), this.clock, fourPerAddress)) == Admission.ADMITTED) {
						mostOpen.accumulateAndGet(registry.sessionsFrom(host), Math::max);
						registry.remove(id, CloseStatus.NORMAL);
					}
				}
			});
		}
		start.countDown();
		pool.shutdown();
		assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

		assertThat(mostOpen.get()).isBetween(1, 4);
		assertThat(registry.size()).isZero();
		assertThat(registry.sessionsFrom("192.0.2.1")).isZero();
		assertThat(registry.sessionsFrom("192.0.2.2")).isZero();
		assertThat(registry.addresses()).as("addresses left in the map").isZero();
		for (String host : new String[] { "192.0.2.1", "192.0.2.2" }) {
			for (int i = 0; i < 4; i++) {
				assertThat(registry.add(Sessions.tracked(Sessions.connection(host + "/" + i, host), this.clock, fourPerAddress)))
					.isEqualTo(Admission.ADMITTED);
			}
			assertThat(registry.add(Sessions.tracked(Sessions.connection(host + "/5", host), this.clock, fourPerAddress)))
				.isEqualTo(Admission.ADDRESS_FULL);
		}
	}

	@Test
	void shouldRefuseSessionsBeyondMaxSessionsPerAddressButAdmitOtherAddresses() {
		HeartbeatProperties twoPerAddress = TestProperties.of(java.util.Map.of("heartbeat.max-sessions-per-address", "2"));
		SessionRegistry registry = new SessionRegistry(twoPerAddress);
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
		this.registry.remove("a", CloseStatus.NORMAL);

		assertThat(this.registry.sessionsFrom("127.0.0.1")).isZero();
		assertThat(this.registry.addresses()).isZero();
	}

	@Test
	void shouldNotCountARefusalByTheServerLimitAgainstTheAddress() {
		for (String id : new String[] { "a", "b", "c", "d" }) {
			this.registry.add(Sessions.tracked(Sessions.connection(id), this.clock, this.properties));
		}

		assertThat(this.registry.sessionsFrom("127.0.0.1")).isEqualTo(3);
	}

	@Test
	void shouldTellListenersOfEveryEntryAndLeaveOnceEvenWhenOneOfThemThrows() {
		List<String> heard = new ArrayList<>();
		SessionListener failing = new SessionListener() {

			@Override
			public void sessionOpened(TrackedSession session) {
				throw new IllegalStateException("a broken listener");
			}

		};
		SessionListener recording = new SessionListener() {

			@Override
			public void sessionOpened(TrackedSession session) {
				heard.add("opened " + session.id());
			}

			@Override
			public void sessionClosed(TrackedSession session, CloseStatus status) {
				heard.add("closed " + session.id() + " " + status.getCode());
			}

		};
		SessionRegistry registry = new SessionRegistry(this.properties, failing, recording);

		assertThat(registry.add(Sessions.tracked(Sessions.connection("a"), this.clock, this.properties)))
			.isEqualTo(Admission.ADMITTED);
		registry.remove("a", CloseCodes.HEARTBEAT_TIMEOUT);
		registry.remove("a", CloseStatus.NORMAL);

		assertThat(heard).containsExactly("opened a", "closed a 4000");
	}

	@Test
	void shouldCloseEverySessionAtShutdownAndAdmitNoOneUntilItOpensAgain() {
		WebSocketSession connection = Sessions.connection("a");
		this.registry.add(Sessions.tracked(connection, this.clock, this.properties));

		assertThat(this.registry.closeAllForShutdown()).extracting(TrackedSession::id).containsExactly("a");
		assertThat(this.registry.size()).isZero();
		assertThat(this.registry.add(Sessions.tracked(Sessions.connection("b"), this.clock, this.properties)))
			.isEqualTo(Admission.SHUTTING_DOWN);
		assertThat(this.registry.size()).isZero();

		this.registry.admitSessions();
		assertThat(this.registry.add(Sessions.tracked(Sessions.connection("b"), this.clock, this.properties)))
			.isEqualTo(Admission.ADMITTED);
	}

}

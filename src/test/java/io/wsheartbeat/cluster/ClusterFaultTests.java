package io.wsheartbeat.cluster;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import io.wsheartbeat.support.PrometheusScrape;
import io.wsheartbeat.support.RedisServer;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The faults a production Redis brings, against a real redis-server and three node processes on
 * loopback, each case with the counts that prove the cluster rode it out: no node registered
 * again ({@code heartbeat_cluster_registrations_total} stays 1), none was judged lost
 * ({@code heartbeat_cluster_nodes_lost_total} stays 0), no session left any view (every node
 * lists every open session, and no view holds a session closed with 1006) and no client saw its
 * connection close.
 *
 * <ol>
 * <li>a command that times out (Redis holds the nodes' scripts past the 1 s command timeout, and
 * then runs them);
 * <li>a field no node can read in every cluster key;
 * <li>Redis frozen (SIGSTOP) for three leases, then resumed;
 * <li>Redis killed and started again with its append-only file after three leases;
 * <li>a second process started with a live node's id;
 * <li>every node killed: Redis forgets the cluster within the keys' TTL.
 * </ol>
 *
 * <p>One Redis (append-only, so that case 4 restarts it with its data) and one cluster for the
 * class, as in {@link ClusterTests}: each case leaves them as it found them, but for the last
 * two, which take nodes away. The nodes run the default lease (5 s), renew period (1 s) and
 * Redis command timeout (1 s), which the bounds below come from; only the keys' TTL is shorter
 * than its default (45 s), for the last case to wait less.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTests {

	private static final Logger logger = LoggerFactory.getLogger(ClusterFaultTests.class);

	private static final Duration LEASE = Duration.ofSeconds(5);

	private static final Duration RENEW_PERIOD = Duration.ofSeconds(1);

	/** How long Redis is away in cases 3 and 4: the three leases. */
	private static final Duration THREE_LEASES = LEASE.multipliedBy(3);

	/**
	 * Twice the three leases Redis is away in cases 3 and 4, so that its keys outlive that outage
	 * with room to spare (an outage longer than the keys' TTL is met as a Redis that came back
	 * empty), and shorter than the default 45 s so that case 6 waits less for them to expire.
	 */
	private static final Duration KEY_TTL = THREE_LEASES.multipliedBy(2);

	private static final String KEY_PATTERN = "{heartbeat}:*";

	/** The bound for every view to be whole again once Redis answers again. */
	private static final Duration WHOLE_AGAIN = Duration.ofSeconds(10);

	/** Three JVMs starting at once on two shared cores. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	/**
	 * Case 1: how long Redis holds the nodes' writes (scripts). Past the 1 s command timeout for a
	 * batch announced in the first 200 ms, and for a renewal sent in the first half second; short
	 * of two renew periods, after which Redis would count as having been away.
	 */
	private static final Duration WRITES_PAUSED = Duration.ofMillis(1500);

	/** Case 1: pauses at most until every node saw one of its renewals time out (each has one chance in two). */
	private static final int MOST_PAUSES = 10;

	private static final int CLIENTS_PER_NODE = 2;

	private static final String REGISTRATIONS = "heartbeat_cluster_registrations_total";

	private static final String NODES_LOST = "heartbeat_cluster_nodes_lost_total";

	private static final String RENEWALS_FAILED = "heartbeat_cluster_lease_renewals_failed_total";

	private RedisServer redis;

	private final List<NodeProcess> nodes = new ArrayList<>();

	/** The clients open across the cases, by session id. */
	private final Map<String, Client> clients = new LinkedHashMap<>();

	/** A test client and the node that welcomed it. */
	record Client(String sessionId, String node, WireClient socket) {
	}

	@BeforeAll
	void startRedisAndThreeNodes() throws Exception {
		RedisServer.assumeInstalled();
		this.redis = RedisServer.startAppendOnly();
		for (String id : List.of("node-1", "node-2", "node-3")) {
			this.nodes.add(startNode(id));
		}
		await("three nodes up and in the cluster").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> this.nodes.stream().allMatch(NodeProcess::hasJoined));
		for (NodeProcess node : this.nodes) {
			for (int i = 0; i < CLIENTS_PER_NODE; i++) {
				open(node);
			}
		}
		awaitEveryViewWhole();
		assertNothingLost("at start");
	}

	@AfterAll
	void stopAll() throws Exception {
		this.clients.values().forEach((client) -> client.socket().close());
		for (NodeProcess node : this.nodes) {
			node.close();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	/**
	 * Redis holds the nodes' writes ({@code CLIENT PAUSE WRITE}: their scripts) for 1.5 s, past
	 * the command timeout, and runs them after: the renewals and the announcements time out on
	 * the nodes though Redis did what they asked. A session closes and another opens on every node
	 * meanwhile, so that an announcement times out on every node each time; pauses are repeated
	 * until every node saw a renewal time out too. Each timeout costs a retry: the batch is sent
	 * again (its closes are then written twice, and each view lists them once), the lease is
	 * renewed at the next period.
	 */
	@Test
	@Order(1)
	void aCommandThatTimesOutCostsARetryAndNothingElse() throws Exception {
		Map<String, Double> failedBefore = counts(RENEWALS_FAILED);
		Set<String> timedOut = new TreeSet<>();
		int pauses = 0;
		long slowest = 0;
		while (timedOut.size() < this.nodes.size() && pauses < MOST_PAUSES) {
			pauses++;
			assertThat(this.redis.command("CLIENT", "PAUSE", String.valueOf(WRITES_PAUSED.toMillis()), "WRITE"))
				.isEqualTo("OK");
			long paused = System.nanoTime();
			for (NodeProcess node : this.nodes) {
				Client leaving = this.clients.values().stream().filter((c) -> c.node().equals(node.id())).findFirst().orElseThrow();
				assertThat(leaving.socket().closeNormally().code()).as("the server's answer to a client's close").isEqualTo(1000);
				this.clients.remove(leaving.sessionId());
				open(node);
			}
			long whole = awaitEveryViewWhole() - paused - WRITES_PAUSED.toNanos();
			slowest = Math.max(slowest, whole);
			Map<String, Double> failed = counts(RENEWALS_FAILED);
			failed.forEach((node, count) -> {
				if (count > failedBefore.get(node)) {
					timedOut.add(node);
				}
			});
		}
		Map<String, Long> timeoutsLogged = new TreeMap<>();
		for (NodeProcess node : this.nodes) {
			timeoutsLogged.put(node.id(), occurrences(node.log(), "RedisCommandTimeoutException"));
		}
		logger.info("Command timeouts: {} pauses of Redis's writes for {} ms; renewals failed per node {} (before: {}); "
				+ "command timeouts logged per node {}; every view whole again at most {} ms after each pause ended",
				pauses, WRITES_PAUSED.toMillis(), counts(RENEWALS_FAILED), failedBefore, timeoutsLogged,
				TimeUnit.NANOSECONDS.toMillis(slowest));
		Map<String, Long> duplicates = new TreeMap<>();
		for (NodeProcess node : this.nodes) {
			List<String> closed = NodeProcess.stream(node.view().path("recentlyClosed"))
				.map((c) -> c.path("session").path("id").asString())
				.toList();
			duplicates.put(node.id(), closed.size() - closed.stream().distinct().count());
		}
		List<String> written = this.redis.commandList("LRANGE", "{heartbeat}:closed", "0", "-1");
		logger.info("Command timeouts: {} closed records in Redis, {} of them written twice; closed sessions listed twice "
				+ "per view {}", written.size(), written.size() - written.stream().distinct().count(), duplicates);
		assertThat(duplicates.values()).as("closed sessions listed twice per view (a batch sent again after a timeout "
				+ "that Redis ran all the same)").containsOnly(0L);
		assertThat(timedOut).as("nodes that saw a renewal time out, in " + pauses + " pauses of "
				+ WRITES_PAUSED.toMillis() + " ms (each has one chance in two each time)")
			.containsExactlyElementsOf(ids());
		assertThat(timeoutsLogged.values()).as("each node logged a command timeout (Redis answered past 1 s)")
			.allMatch((count) -> count > 0);
		assertThat(Duration.ofNanos(slowest)).as("every view whole again after a pause, at the latest")
			.isLessThan(WHOLE_AGAIN);
		assertNothingLost("after command timeouts");
	}

	/**
	 * A stray field in every cluster key: the nodes hash, each node's sessions hash, the list of
	 * closed sessions, and the time of the last renewal. Every node goes on renewing, the views
	 * skip what they cannot read, and each node says so once, not at every renewal.
	 */
	@Test
	@Order(2)
	void aFieldNoNodeCanReadInEveryKeyIsSkippedAndLoggedOnce() throws Exception {
		// A close first, so that the list of closed sessions exists, as in a cluster that has run
		// for a while (pushed onto a missing key, the stray would make a key no node wrote).
		Client leaving = this.clients.values().iterator().next();
		assertThat(leaving.socket().closeNormally().code()).as("the server's answer to a client's close").isEqualTo(1000);
		this.clients.remove(leaving.sessionId());
		awaitEveryViewWhole();
		await("the close written to the list of closed sessions").atMost(Duration.ofSeconds(2))
			.until(() -> this.redis.commandList("LRANGE", "{heartbeat}:closed", "0", "-1").size() > 0);

		Map<String, Double> failedBefore = counts(RENEWALS_FAILED);
		assertThat(this.redis.command("HSET", "{heartbeat}:nodes", "stray", "notjson")).isEqualTo("1");
		for (NodeProcess node : this.nodes) {
			assertThat(this.redis.command("HSET", "{heartbeat}:sessions:" + node.id(), "stray", "notjson"))
				.isEqualTo("1");
		}
		this.redis.command("LPUSH", "{heartbeat}:closed", "notjson");
		// The time of the last renewal, which the nodes hash holds beside the nodes.
		assertThat(this.redis.command("HSET", "{heartbeat}:nodes", "~renewed", "notatime")).isEqualTo("0");

		// Every view stays whole from the writes on, and no renewal fails: three renew periods,
		// three renewals of each node, each of which reads the nodes hash whole.
		holdsThroughout("renewals go on, none fails, every view whole", RENEW_PERIOD.multipliedBy(3), () -> {
			assertThat(counts(RENEWALS_FAILED)).isEqualTo(failedBefore);
			assertEveryViewWhole();
		});
		assertThat(Long.parseLong(this.redis.command("HGET", "{heartbeat}:nodes", "~renewed")))
			.as("the time of the last renewal, written again by the next renewal").isPositive();
		Map<String, List<Long>> logged = new TreeMap<>();
		for (NodeProcess node : this.nodes) {
			assertThat(NodeProcess.stream(node.getJson("/api/cluster").path("nodes")).map((n) -> n.path("id").asString()))
				.as(node.id() + "'s nodes").containsExactlyElementsOf(ids());
			for (JsonNode closed : node.view().path("recentlyClosed")) {
				assertThat(closed.path("session").path("id").asString()).as("a closed session's id on " + node.id())
					.isNotBlank();
			}
			node.view(); // the views read every key again: still logged once
			String log = node.log();
			List<Long> counted = new ArrayList<>();
			counted.add(occurrences(log, "Skipped field 'stray' of the nodes hash"));
			for (NodeProcess other : this.nodes) {
				if (other != node) {
					counted.add(occurrences(log, "Skipped field 'stray' of {heartbeat}:sessions:" + other.id()));
				}
			}
			counted.add(occurrences(log, "Skipped an entry of {heartbeat}:closed"));
			logged.put(node.id(), counted);
		}
		logger.info("Stray fields in every cluster key: renewals failed per node {} (before: {}) over {} s, every view whole "
				+ "throughout; logged per node (nodes hash, the other nodes' sessions, the closed list) {}",
				counts(RENEWALS_FAILED), failedBefore, RENEW_PERIOD.multipliedBy(3).toSeconds(), logged);
		assertThat(logged.values()).as("each stray entry skipped and logged once per node, where a node reads it")
			.allSatisfy((counted) -> assertThat(counted).containsOnly(1L));
		assertNothingLost("after stray fields");
	}

	/**
	 * Redis frozen (SIGSTOP) for three leases: its connections stay open, every command times
	 * out. When it resumes, it runs what the nodes sent meanwhile; the first script finds no
	 * renewal for longer than two renew periods and extends every lease rather than judge them.
	 */
	@Test
	@Order(3)
	@Tag("soak")
	void redisFrozenForThreeLeasesLosesNoNodeNoSessionAndNoClient() throws Exception {
		Map<String, Double> failedBefore = counts(RENEWALS_FAILED);
		Map<String, Long> outagesBefore = outagesLogged();
		this.redis.pause();
		try {
			rideOut("Redis frozen");
		}
		finally {
			this.redis.resume();
		}
		long resumed = System.nanoTime();
		long whole = awaitEveryViewWhole();
		logger.info("Redis frozen (SIGSTOP) for {} s: renewals failed per node {} (before: {}); outages announced per node {} "
				+ "(before: {}); every view whole {} ms after SIGCONT", THREE_LEASES.toSeconds(), counts(RENEWALS_FAILED),
				failedBefore, outagesLogged(), outagesBefore, TimeUnit.NANOSECONDS.toMillis(whole - resumed));
		assertThat(Duration.ofNanos(whole - resumed)).as("every view whole after SIGCONT (the issue's bound)")
			.isLessThan(WHOLE_AGAIN);
		assertNothingLost("after Redis was frozen");
	}

	/**
	 * Redis killed, and started again with its append-only file three leases later: every key is
	 * back (their expiry times too), every lease long run out by Redis's clock. The first node to
	 * renew finds no renewal for longer than two renew periods and extends every lease.
	 */
	@Test
	@Order(4)
	@Tag("soak")
	void redisRestartedWithItsDataAfterThreeLeasesLosesNoNodeNoSessionAndNoClient() throws Exception {
		Map<String, Double> failedBefore = counts(RENEWALS_FAILED);
		Map<String, Long> outagesBefore = outagesLogged();
		this.redis.kill();
		rideOut("Redis down");
		this.redis.startAgain();
		long back = System.nanoTime();
		assertThat(this.redis.keys(KEY_PATTERN)).as("the cluster's keys, reloaded from the append-only file")
			.contains("{heartbeat}:nodes");
		long whole = awaitEveryViewWhole();
		logger.info("Redis restarted with its append-only file after {} s down: renewals failed per node {} (before: {}); "
				+ "outages announced per node {} (before: {}); every view whole {} ms after it answered again",
				THREE_LEASES.toSeconds(), counts(RENEWALS_FAILED), failedBefore, outagesLogged(), outagesBefore,
				TimeUnit.NANOSECONDS.toMillis(whole - back));
		assertThat(Duration.ofNanos(whole - back)).as("every view whole after Redis is back (the issue's bound)")
			.isLessThan(WHOLE_AGAIN);
		assertNothingLost("after Redis restarted with its data");
	}

	/**
	 * A peer of 50,000 sessions, read page by page through every node's view while the nodes
	 * renew their leases: each renewal is on its own thread and connection, so no read stands
	 * in front of it, and no node's renewal gap comes near the lease. The peer is written into
	 * Redis as a node would write it (its entry and its sessions hash), with a lease long enough
	 * for the reading, and taken out after.
	 */
	@Test
	@Order(0) // first: the timer's max spans two minutes, and the cases after it stop Redis on purpose
	@Tag("soak")
	void aPeerOfFiftyThousandSessionsIsReadWhileEveryLeaseIsRenewedInTime() throws Exception {
		int peerSessions = 50_000;
		String peerKey = "{heartbeat}:sessions:peer-big";
		List<String> batch = new ArrayList<>();
		for (int i = 0; i < peerSessions; i++) {
			batch.add("big-" + i);
			batch.add("{\"remoteAddress\":\"10.0.0." + (i % 250) + ":" + (1024 + i % 60000)
					+ "\",\"connectedAt\":\"2026-12-05T00:00:00Z\"}");
			if (batch.size() == 2000 || i == peerSessions - 1) {
				List<String> args = new ArrayList<>(List.of("HSET", peerKey));
				args.addAll(batch);
				this.redis.command(args.toArray(String[]::new));
				batch.clear();
			}
		}
		long redisNow = Long.parseLong(this.redis.commandList("TIME").get(0)) * 1000;
		this.redis.command("HSET", "{heartbeat}:nodes", "peer-big", "{\"inc\":\"big\",\"lease\":" + (redisNow + 120_000)
				+ ",\"sessions\":" + peerSessions + ",\"address\":\"synthetic\",\"started\":0}");
		this.redis.command("PEXPIRE", peerKey, "120000");
		try {
			// A node reads the list of nodes again within a renew period.
			await("every node lists the peer").atMost(RENEW_PERIOD.multipliedBy(2).plusSeconds(1))
				.until(() -> this.nodes.stream()
					.allMatch((node) -> NodeProcess.stream(node.getJson("/api/cluster").path("nodes"))
						.anyMatch((n) -> n.path("id").asString().equals("peer-big"))));
			long started = System.nanoTime();
			Map<String, Integer> read = new TreeMap<>();
			for (NodeProcess node : this.nodes) {
				Set<String> listed = node.listedSessionsAtMost(200);
				read.put(node.id(), listed.size());
				assertThat(listed).as(node.id() + " pages through the peer's sessions and every open one")
					.hasSize(peerSessions + this.clients.size());
			}
			long readMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
			Map<String, Double> gaps = counts("heartbeat_cluster_lease_renewal_gap_seconds_max");
			logger.info("A peer of {} sessions read whole through each node's view ({} ms for the three, 1,000 a page): "
					+ "sessions listed per node {}; longest renewal gap per node in that time (s) {}", peerSessions,
					readMillis, read, gaps);
			assertThat(gaps.values())
				.as("each node's longest gap between two renewals (s), the timer's max over the reading: its lease is "
						+ "renewed every %s on a thread and a connection of its own, so a page read never stands in front of "
						+ "it; the issue's bound is 1.5 s", RENEW_PERIOD)
				.allSatisfy((gap) -> assertThat(gap).isLessThan(1.5));
		}
		finally {
			this.redis.command("HDEL", "{heartbeat}:nodes", "peer-big");
			this.redis.command("DEL", peerKey);
		}
		awaitEveryViewWhole();
		assertNothingLost("after a peer of 50,000 sessions was read");
	}

	/**
	 * A second process with node-1's id, while node-1 lives: refused, it stays out and touches
	 * nothing of node-1's, and tries again every renew period; once node-1 stops (SIGTERM, a clean
	 * leave), it joins at its next try.
	 */
	@Test
	@Order(6)
	@Tag("soak")
	void aSecondProcessWithALiveNodesIdStaysOutUntilThatNodeLeaves() throws Exception {
		NodeProcess live = this.nodes.get(0);
		Set<String> listedBefore = live.listedSessions();
		Map<String, Integer> sessionsBefore = sessionsPerNode(live);
		NodeProcess second = startNode(live.id());
		this.nodes.add(second);
		// Up, and Redis answered its first registration.
		await("the second process up and reaching Redis").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(250))
			.until(second::hasJoined);
		long refused = System.nanoTime();
		// It tries again every renew period: three of them, and node-1 is as it was.
		holdsThroughout("node-1 untouched", RENEW_PERIOD.multipliedBy(3), () -> {
			assertThat(sessionsPerNode(live)).as("node-1's /api/cluster").isEqualTo(sessionsBefore);
			assertThat(live.listedSessions()).as("node-1's sessions").isEqualTo(listedBefore);
			assertThat(scrape(live).value(REGISTRATIONS)).as("node-1's registrations").isEqualTo(1);
		});
		assertThat(occurrences(second.log(), "is held by another live process"))
			.as("the refusal, logged once however often it tries").isEqualTo(1);
		assertThat(scrape(second).value(REGISTRATIONS)).as("the second process's registrations while refused")
			.isZero();
		logger.info("A second process with a live node's id: refused ({} ms watched), node-1's sessions per node {} unchanged",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refused), sessionsBefore);

		List<Client> onLive = this.clients.values().stream().filter((c) -> c.node().equals(live.id())).toList();
		live.close(); // SIGTERM: its sessions close with 1001, then it leaves the cluster
		long left = System.nanoTime();
		this.nodes.remove(live);
		for (Client client : onLive) {
			assertThat(client.socket().closed().get(5, TimeUnit.SECONDS).code()).as("a client of the node that stopped")
				.isEqualTo(1001);
			this.clients.remove(client.sessionId());
		}
		await("the second process joins at its next try").atMost(RENEW_PERIOD.plusSeconds(3))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> scrape(second).value(REGISTRATIONS) == 1);
		long joined = System.nanoTime();
		long whole = awaitEveryViewWhole();
		logger.info("The second process joined {} ms after the live node with its id stopped; every view whole {} ms after",
				TimeUnit.NANOSECONDS.toMillis(joined - left), TimeUnit.NANOSECONDS.toMillis(whole - left));
		assertThat(second.log()).contains("Node node-1 joined the cluster");
		assertNothingLost("after the second process joined");
	}

	/**
	 * Every node killed (SIGKILL): nobody leaves, nobody cleans up. Every key the cluster wrote
	 * has a TTL, refreshed by the renewals and writes, so Redis forgets the cluster on its own.
	 */
	@Test
	@Order(7)
	@Tag("soak")
	void everyNodeKilledRedisForgetsTheClusterWithinTheKeysTtl() throws Exception {
		for (NodeProcess node : this.nodes) {
			node.kill();
		}
		long killed = System.nanoTime();
		Map<String, String> ttls = new TreeMap<>();
		for (String key : this.redis.keys(KEY_PATTERN)) {
			ttls.put(key, this.redis.command("PTTL", key));
		}
		logger.info("Every node killed: the cluster's keys and their TTLs in ms: {}", ttls);
		assertThat(ttls.values()).as("every cluster key expires (PTTL -1: it never would)")
			.noneMatch((ttl) -> Long.parseLong(ttl) == -1);
		Duration bound = KEY_TTL.plusSeconds(5);
		await("Redis holds no cluster key within heartbeat.cluster.key-ttl (" + KEY_TTL.toSeconds()
				+ " s here, shortened from the default 45 s to keep the test short) and 5 s")
			.atMost(bound)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> this.redis.keys(KEY_PATTERN).isEmpty());
		logger.info("Every node killed: Redis held no cluster key {} ms after (key-ttl {} s)",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed), KEY_TTL.toSeconds());
	}

	private NodeProcess startNode(String id) throws IOException {
		return NodeProcess.start(id, this.redis.port(), "--heartbeat.cluster.key-ttl=" + KEY_TTL.toSeconds() + "s");
	}

	/**
	 * Waits out three leases with Redis away, watching every client: none may see its connection
	 * close, and every node goes on serving its own sessions.
	 */
	private void rideOut(String what) {
		holdsThroughout(what + " for three leases: no client closed", THREE_LEASES,
				() -> assertThat(closedClients()).as("clients closed while " + what).isEmpty());
	}

	/**
	 * Checks {@code check} every 250 ms for {@code period}, keeping every failure, so that a
	 * moment's lapse fails the test rather than being waited out.
	 */
	private static void holdsThroughout(String what, Duration period, Check check) {
		List<String> lapses = new CopyOnWriteArrayList<>();
		await(what).during(period).atMost(period.plusSeconds(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
			try {
				check.run();
			}
			catch (AssertionError ex) {
				lapses.add(ex.getMessage());
			}
			return true;
		});
		assertThat(lapses).as(what + ": lapses, checked every 250 ms for " + period.toMillis() + " ms").isEmpty();
	}

	/** A check of what must hold: fails with an {@link AssertionError}. */
	@FunctionalInterface
	private interface Check {

		void run() throws Exception;

	}

	private Client open(NodeProcess node) {
		WireClient socket = WireClient.connect(node.port());
		JsonNode welcome = socket.awaitFrame("welcome");
		Client client = new Client(welcome.path("sessionId").asString(), welcome.path("node").asString(), socket);
		assertThat(client.node()).as("the welcome names the node").isEqualTo(node.id());
		this.clients.put(client.sessionId(), client);
		return client;
	}

	/** Waits until every node lists exactly the open sessions, from a complete view; returns when. */
	private long awaitEveryViewWhole() {
		await("every view whole").atMost(WHOLE_AGAIN).pollInterval(Duration.ofMillis(100))
			.untilAsserted(this::assertEveryViewWhole);
		return System.nanoTime();
	}

	private void assertEveryViewWhole() throws IOException {
		for (NodeProcess node : this.nodes) {
			HttpResponse<String> sessions = node.get("/api/sessions");
			assertThat(sessions.headers().firstValue("Cluster-View")).as(node.id()).hasValue("complete");
			assertThat(sessions.headers().firstValue("Sessions-Total")).as(node.id() + "'s total")
				.hasValue(String.valueOf(this.clients.size()));
			assertThat(node.listedSessions()).as(node.id() + "'s sessions").isEqualTo(this.clients.keySet());
		}
	}

	/**
	 * The zeros: no node registered again, none was judged lost, no view holds a session
	 * closed with 1006, no client saw a close, and every view lists every open session.
	 */
	private void assertNothingLost(String when) throws IOException {
		Map<String, Double> registrations = counts(REGISTRATIONS);
		Map<String, Double> lost = counts(NODES_LOST);
		Map<String, Long> abnormal = new TreeMap<>();
		for (NodeProcess node : this.nodes) {
			abnormal.put(node.id(), NodeProcess.stream(node.view().path("recentlyClosed"))
				.filter((closed) -> closed.path("closeCode").asInt() == 1006)
				.count());
		}
		List<String> closed = closedClients();
		logger.info("{}: registrations {}, nodes lost {}, sessions closed with 1006 in the views {}, clients closed {} of {}",
				when, registrations, lost, abnormal, closed.size(), this.clients.size());
		assertThat(registrations.values()).as(when + ": registrations per node").containsOnly(1.0);
		assertThat(lost.values()).as(when + ": nodes lost, per node that judged").containsOnly(0.0);
		assertThat(abnormal.values()).as(when + ": sessions closed with 1006 in each view").containsOnly(0L);
		assertThat(closed).as(when + ": clients that saw a close").isEmpty();
		assertEveryViewWhole();
	}

	private List<String> closedClients() {
		return this.clients.values()
			.stream()
			.filter((client) -> client.socket().isClosed())
			.map((client) -> client.sessionId() + " " + client.socket().closed().join())
			.toList();
	}

	private Map<String, Double> counts(String sample) throws IOException {
		Map<String, Double> counts = new TreeMap<>();
		for (NodeProcess node : this.nodes) {
			counts.put(node.id(), scrape(node).value(sample));
		}
		return counts;
	}

	/** How often each node said Redis answered again after an outage, and extended every lease. */
	private Map<String, Long> outagesLogged() {
		return this.nodes.stream()
			.collect(Collectors.toMap(NodeProcess::id,
					(node) -> occurrences(node.log(), "Redis answers again after an outage"), (a, b) -> a, TreeMap::new));
	}

	private List<String> ids() {
		return this.nodes.stream().map(NodeProcess::id).sorted().toList();
	}

	private static Map<String, Integer> sessionsPerNode(NodeProcess node) {
		Map<String, Integer> sessions = new TreeMap<>();
		node.getJson("/api/cluster").path("nodes").forEach((n) -> sessions.put(n.path("id").asString(), n.path("sessions").asInt()));
		return sessions;
	}

	private static PrometheusScrape scrape(NodeProcess node) throws IOException {
		HttpResponse<String> response = node.get("/actuator/prometheus");
		assertThat(response.statusCode()).as("/actuator/prometheus on " + node.id()).isEqualTo(200);
		return PrometheusScrape.parse(response.body());
	}

	private static long occurrences(String text, String what) {
		Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
		long count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}

package io.wsheartbeat.browser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.assertj.core.groups.Tuple;
import org.openqa.selenium.WindowType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page's presence, in headless Chromium against the demo: one key per browser (the client id
 * in localStorage, which all its tabs share), a dropped connection that is back within the grace
 * and so never offline, and Disconnect, offline at once. The key's transitions are read from
 * {@code /api/presence/stream} by the test itself, so a state the page shows only for a moment is
 * still seen.
 *
 * <p>The grace is 5 s here and the page's first reconnect comes within 200 ms (full jitter below
 * {@code heartbeat.reconnect.initial-delay}): a page that came back as it should is online again
 * long before its grace runs out, so an {@code offline} would be a fault, not bad luck. The server
 * timeout (5 s) leaves a tab in the background, whose timers the browser may slow, well alone.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "heartbeat.interval=1s", "heartbeat.ack-timeout=800ms", "heartbeat.server-timeout=5s",
				"heartbeat.reaper-period=100ms", "heartbeat.server-ping-interval=0",
				"heartbeat.reconnect.initial-delay=200ms", "heartbeat.reconnect.max-delay=800ms",
				"heartbeat.presence.grace=5s" })
@ActiveProfiles("demo")
class PresenceTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	static final Duration GRACE = Duration.ofSeconds(5);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	private Transitions transitions;

	@BeforeEach
	void openPage() {
		browser.open(page("en"));
		awaitOnlineWithTabs(1);
		this.transitions = new Transitions(URI.create("http://localhost:" + this.port + "/api/presence/stream"));
	}

	@AfterEach
	void stopReading() {
		this.transitions.close();
	}

	@Test
	void shouldStayOnlineWithOneTabLeftWhenOneOfTwoTabsOfTheSameBrowserCloses() {
		String key = ownKey();
		String firstTab = browser.driver().getWindowHandle();
		long sequence = record(key).sequence();

		browser.driver().switchTo().newWindow(WindowType.TAB);
		String secondTab = browser.driver().getWindowHandle();
		browser.open(page("en"));
		assertThat(ownKey()).as("the second tab shares the first's localStorage, and so its client id").isEqualTo(key);
		awaitOnlineWithTabs(2);
		assertThat(browser.byId("own-presence").getText()).isEqualTo("online, 2 tabs");
		browser.driver().switchTo().window(firstTab);
		awaitOnlineWithTabs(2);

		browser.driver().switchTo().window(secondTab);
		browser.driver().close();
		browser.driver().switchTo().window(firstTab);

		awaitOnlineWithTabs(1);
		assertThat(browser.byId("own-presence").getText()).isEqualTo("online, 1 tab");
		// The page knew at once (the closing tab said so); the server once the tab's close frame came.
		await().atMost(WAIT).until(() -> record(key).sessions().size() == 1);
		Record record = record(key);
		assertThat(record.state()).isEqualTo("online");
		assertThat(record.sequence()).as("no transition: the key was online all along").isEqualTo(sequence);
		assertThat(this.transitions.of(key)).isEmpty();
		await().atMost(WAIT).untilAsserted(() -> assertThat(presenceRow(key)).containsEntry("state", "online")
			.containsEntry("sessions", "1")
			.containsEntry("own", true));
	}

	@Test
	void shouldGoReconnectingAndBackOnlineButNeverOfflineWhenMyConnectionDrops() {
		String key = ownKey();
		watchOwnPresenceStates();

		browser.byId("fault-drop-connection").click();

		await().atMost(WAIT).until(() -> this.transitions.of(key).stream().anyMatch((t) -> "online".equals(t.get("state"))));
		List<Map<String, Object>> moves = this.transitions.of(key);
		assertThat(moves).extracting((t) -> t.get("state")).containsExactly("reconnecting", "online");
		assertThat((String) moves.get(0).get("reason")).startsWith("closed 1006");
		assertThat(moves.get(1).get("reason")).isEqualTo("reconnected");
		await().atMost(WAIT).until(() -> "online".equals(browser.byId("own-presence").getDomAttribute("data-state")));
		assertThat(seenOwnPresenceStates()).as("the page showed the grace as it passed").contains("reconnecting");

		// Past the whole grace from the drop: had the reconnect not counted, offline would come now.
		await().during(GRACE.plusSeconds(1)).atMost(GRACE.plusSeconds(1).plus(WAIT))
			.until(() -> this.transitions.of(key).stream().noneMatch((t) -> "offline".equals(t.get("state"))));
		assertThat(seenOwnPresenceStates()).doesNotContain("offline");
		assertThat(record(key).state()).isEqualTo("online");
	}

	@Test
	void shouldGoOfflineAtOnceOnDisconnect() {
		String key = ownKey();

		browser.byId("disconnect").click();
		long clicked = System.nanoTime();

		// A 1000 close is the client's goodbye: offline without waiting out the grace (5 s). Up to
		// a second short of it is slack for the close frame, the stream and the page on a busy
		// machine; a key that waited out the grace could not make it.
		await("offline at once on Disconnect, inside the 5 s grace").atMost(GRACE.minusSeconds(1))
			.until(() -> "offline".equals(browser.byId("own-presence").getDomAttribute("data-state")));
		assertThat(Duration.ofNanos(System.nanoTime() - clicked)).isLessThan(GRACE);
		assertThat(browser.byId("own-presence").getText()).isEqualTo("offline");
		assertThat(this.transitions.of(key)).extracting((t) -> t.get("state"), (t) -> t.get("reason"))
			.containsExactly(Tuple.tuple("offline", "disconnected"));
		await().atMost(WAIT).until(() -> "offline".equals(presenceRow(key).get("state")));
		assertThat(browser.byId("presence-counts").getText()).contains("0 online").contains("1 offline");
	}

	@Test
	void shouldSayItInChinese() {
		browser.open(page("zh-CN"));
		awaitOnlineWithTabs(1);
		assertThat(browser.byId("own-presence").getText()).isEqualTo("在线，1 个标签页");
		assertThat(browser.byId("presence-heading").getText()).isEqualTo("谁在线");
		assertThat(presenceRow(ownKey())).containsEntry("stateText", "在线");
	}

	/** README's picture of presence: two tabs of one browser, and the list beside the server's view. */
	@Test
	void shouldTakeAScreenshotWithTwoTabs() throws IOException {
		String firstTab = browser.driver().getWindowHandle();
		browser.driver().switchTo().newWindow(WindowType.TAB);
		String secondTab = browser.driver().getWindowHandle();
		browser.open(page("en"));
		awaitOnlineWithTabs(2);
		browser.driver().switchTo().window(firstTab);
		awaitOnlineWithTabs(2);
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= 3);
		try {
			Files.createDirectories(PageScreenshotTests.SCREENSHOTS);
			Path file = PageScreenshotTests.SCREENSHOTS.resolve("presence.png");
			Files.write(file, browser.fullPageScreenshot(1280));
			assertThat(file).isNotEmptyFile();
		}
		finally {
			browser.viewport(1280, 900, false);
			browser.driver().switchTo().window(secondTab);
			browser.driver().close();
			browser.driver().switchTo().window(firstTab);
		}
	}

	private String page(String lang) {
		return "http://localhost:" + this.port + "/?lang=" + lang;
	}

	private static void awaitOnlineWithTabs(int tabs) {
		// Asserted, so a timeout says what the page showed instead.
		await().atMost(WAIT).untilAsserted(() -> assertThat(browser.byId("own-presence").getDomAttribute("data-state")
				+ ", " + browser.byId("own-presence").getDomAttribute("data-sessions") + " tabs")
			.isEqualTo("online, " + tabs + " tabs"));
	}

	private static String ownKey() {
		return "client:" + browser.script("return localStorage.getItem('heartbeat.clientId');");
	}

	/** The presence list's row of key, read in one script call: its state, sessions, own mark. */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> presenceRow(String key) {
		return (Map<String, Object>) browser.script("""
				const row = [...document.querySelectorAll('#presence-body tr')].find((tr) => tr.dataset.key === arguments[0]);
				return row ? {
				  state: row.dataset.state, sessions: row.dataset.sessions, own: row.classList.contains('row-own'),
				  stateText: row.querySelector('.state-tag').textContent,
				} : {};
				""", key);
	}

	/** Records every state the page's own presence shows, however briefly. */
	private static void watchOwnPresenceStates() {
		browser.script("""
				const own = document.getElementById('own-presence');
				window.ownPresenceStates = [own.dataset.state];
				new MutationObserver(() => window.ownPresenceStates.push(own.dataset.state))
				  .observe(own, { attributes: true, attributeFilter: ['data-state'] });
				""");
	}

	@SuppressWarnings("unchecked")
	private static List<String> seenOwnPresenceStates() {
		return (List<String>) browser.script("return window.ownPresenceStates;");
	}

	private Record record(String key) {
		try {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/presence/" + key)).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			Map<String, Object> json = JSON.readValue(response.body(), Map.class);
			return new Record((String) json.get("state"), ((Number) json.get("sequence")).longValue(),
					(List<Object>) json.get("sessions"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private record Record(String state, long sequence, List<Object> sessions) {
	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * The stream's transitions from the moment it was opened, read on a thread of its own; those
	 * the stream's first page already covered are skipped, as a watcher must.
	 */
	static final class Transitions implements AutoCloseable {

		private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

		private final InputStream body;

		private final Thread reader;

		private volatile Map<String, Long> pageSequences;

		Transitions(URI stream) {
			try {
				HttpResponse<InputStream> response = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build(),
							HttpResponse.BodyHandlers.ofInputStream());
				assertThat(response.statusCode()).isEqualTo(200);
				this.body = response.body();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			this.reader = new Thread(this::read, "presence-stream-reader");
			this.reader.setDaemon(true);
			this.reader.start();
			await().atMost(WAIT).until(() -> this.pageSequences != null);
		}

		@SuppressWarnings("unchecked")
		private void read() {
			try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8))) {
				String event = null;
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.startsWith("event:")) {
						event = line.substring("event:".length()).trim();
					}
					else if (line.startsWith("data:") && event != null) {
						Map<String, Object> data = JSON.readValue(line.substring("data:".length()), Map.class);
						if ("page".equals(event)) {
							Map<String, Long> sequences = new HashMap<>();
							for (Map<String, Object> key : (List<Map<String, Object>>) data.get("keys")) {
								sequences.put((String) key.get("key"), ((Number) key.get("sequence")).longValue());
							}
							this.pageSequences = sequences;
						}
						else if ("transition".equals(event)) {
							long sequence = ((Number) data.get("sequence")).longValue();
							if (sequence > this.pageSequences.getOrDefault((String) data.get("key"), 0L)) {
								this.received.add(data);
							}
						}
					}
					else if (line.isEmpty()) {
						event = null;
					}
				}
			}
			catch (IOException ex) {
				// closed by close(), or the server stopped: the test has what it read
			}
		}

		List<Map<String, Object>> of(String key) {
			return this.received.stream().filter((t) -> key.equals(t.get("key"))).toList();
		}

		@Override
		public void close() {
			try {
				this.body.close();
			}
			catch (IOException ex) {
				// nothing to keep
			}
		}

	}

}

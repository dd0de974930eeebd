package io.wsheartbeat.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence as the product ships it, off: the page shows none of it and asks nothing of
 * {@code /api/presence}, which answers 403. The page still sends its client id, which a server
 * without presence ignores.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("browser")
class PresenceOffTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@Test
	void shouldShowNoPresenceAndAskTheServerNothingOfIt() throws Exception {
		// Every URL the page hands to fetch or EventSource, recorded from before its first script.
		browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
				window.requested = [];
				const fetch = window.fetch;
				window.fetch = (input, init) => { window.requested.push(String(input)); return fetch(input, init); };
				const EventSource = window.EventSource;
				window.EventSource = class extends EventSource {
				  constructor(url, init) { super(url, init); window.requested.push(String(url)); }
				};
				"""));
		browser.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> "open".equals(browser.state()) && browser.entries("ack").size() >= 2);

		assertThat(browser.driver().findElements(By.id("presence-view"))).isEmpty();
		assertThat(browser.driver().findElements(By.id("own-presence"))).isEmpty();
		assertThat(browser.driver().findElements(By.cssSelector(".fact-presence"))).isEmpty();
		@SuppressWarnings("unchecked")
		List<String> requested = (List<String>) browser.script("return window.requested;");
		assertThat(requested).noneMatch((url) -> url.contains("/api/presence"));
		assertThat(String.valueOf(browser.script("return performance.getEntriesByType('resource').map((e) => e.name).join(' ');")))
			.doesNotContain("/api/presence");
		assertThat(browser.last("connecting").getText()).as("the client id is sent all the same").contains("?client=");

		for (String path : new String[] { "/api/presence", "/api/presence/client:someone", "/api/presence/stream" }) {
			assertThat(status(path)).as(path).isEqualTo(403);
		}
	}

	private int status(String path) throws IOException, InterruptedException {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

}

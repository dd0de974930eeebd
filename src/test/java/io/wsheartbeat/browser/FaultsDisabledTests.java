package io.wsheartbeat.browser;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static io.wsheartbeat.browser.HeartbeatPageTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The product as shipped, without the demo profile: the page says the server's fault controls and
 * its view of the sessions are off and how to turn the demo on, disables the controls, a simulate
 * frame sent anyway is refused and logged, the session stays served, and the restart storm cannot
 * be started.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("browser")
class FaultsDisabledTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@Test
	void shouldDisableTheServerFaultsAndLogTheRefusalOfOneSentAnyway() {
		browser.open("http://localhost:" + this.port + "/?lang=en");
		await().atMost(WAIT).until(() -> "open".equals(browser.state()) && !browser.entries("ack").isEmpty());

		assertThat(browser.byId("faults-off").getText()).contains("heartbeat.demo.faults-enabled=false")
			.contains("--spring.profiles.active=demo");
		assertThat(browser.byId("sessions-off").getText()).contains("heartbeat.view.enabled=false");
		assertThat(browser.driver().findElements(org.openqa.selenium.By.id("sessions-view"))).isEmpty();
		for (String id : new String[] { "fault-drop-acks", "fault-delay", "fault-delay-off", "fault-drop-connection" }) {
			assertThat(browser.byId(id).isEnabled()).as(id).isFalse();
		}
		assertThat(browser.byId("fault-pause").isEnabled()).as("pausing is the page's own doing").isTrue();

		browser.asyncScript("""
				const done = arguments[arguments.length - 1];
				import('/js/page.js').then(({ client }) => done(client.simulate('drop-acks')));
				""");

		await().atMost(WAIT).until(() -> !browser.entries("server-error").isEmpty());
		assertThat(browser.last("server-error").getDomAttribute("data-code")).isEqualTo("faults-disabled");
		assertThat(text(browser.last("server-error"))).startsWith("The server refused: its fault controls are off");
		assertThat(browser.byId("fault-state").getDomAttribute("data-fault")).isEqualTo("none");
		int acks = browser.entries("ack").size();
		await().atMost(WAIT).until(() -> browser.entries("ack").size() >= acks + 2);
		assertThat(browser.entries("close")).as("still served, acks and all").isEmpty();
	}

	@Test
	void shouldNotOfferTheRestartStorm() {
		browser.open("http://localhost:" + this.port + "/storm?lang=en");

		assertThat(browser.byId("storm-off").getText()).contains("heartbeat.demo.faults-enabled=false");
		assertThat(browser.byId("storm-run").isEnabled()).isFalse();
		assertThat(browser.byId("storm-clients").isEnabled()).isFalse();
	}

}

package io.wsheartbeat.web;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

import io.wsheartbeat.cluster.ClusterProperties;
import io.wsheartbeat.demo.DemoProperties;
import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ShutdownProperties;
import io.wsheartbeat.presence.PresenceProperties;
import io.wsheartbeat.sessions.ViewProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.cookie;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The page as HTML: the server's timings rendered as data attributes (no inline script), and the
 * language chosen from Accept-Language or {@code ?lang=}, never one the page has no text for.
 */
// An MVC slice: rendering needs the controller, its properties and messages, the locale
// configuration and the templates, not a server. The slice brings the WebMvcConfigurer
// (LocaleConfiguration) and the filter (SecurityHeadersFilter) itself; the @Component and the
// @ConfigurationProperties it leaves out are named here. The /ws endpoint is not in it.
@WebMvcTest(controllers = PageController.class, properties = { "heartbeat.demo.faults-enabled=true", "heartbeat.view.enabled=true", "heartbeat.interval=7s", "heartbeat.ack-timeout=3s",
		"heartbeat.reconnect.initial-delay=250ms", "heartbeat.reconnect.max-delay=9s" })
@EnableConfigurationProperties({ HeartbeatProperties.class, DemoProperties.class, ViewProperties.class,
		ClusterProperties.class, ShutdownProperties.class, PresenceProperties.class })
@Import(ClientMessages.class)
class PageControllerTests {

	@Autowired
	MockMvc mvc;

	@Test
	void shouldRenderTheServerTimingsAsDataAttributes() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("data-interval=\"7000\"")))
			.andExpect(content().string(containsString("data-ack-timeout=\"3000\"")))
			.andExpect(content().string(containsString("data-reconnect-initial-delay=\"250\"")))
			.andExpect(content().string(containsString("data-reconnect-max-delay=\"9000\"")))
			.andExpect(content().string(containsString("<script type=\"module\" src=\"/js/page.js\"></script>")))
			.andExpect(content().string(not(containsString("ws://localhost"))));
	}

	@Test
	void shouldRenderNoInlineScript() throws Exception {
		String html = this.mvc.perform(get("/")).andReturn().getResponse().getContentAsString();
		assertThat(html.split("<script")).as("exactly one script element, the module").hasSize(2);
		assertThat(html).doesNotContain("onclick").doesNotContain("onload");
	}

	@Test
	void shouldAnswerInEnglishWithoutAcceptLanguage() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(content().string(containsString("<html lang=\"en\">")))
			.andExpect(content().string(containsString(">Connect</button>")));
	}

	@Test
	void shouldAnswerInChineseForAChineseBrowser() throws Exception {
		this.mvc.perform(get("/").header("Accept-Language", "zh-TW,zh;q=0.9,en;q=0.5"))
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")))
			.andExpect(content().string(containsString(">连接</button>")))
			.andExpect(content().string(containsString("发送心跳")));
	}

	@Test
	void shouldSwitchWithTheLangParameterAndRememberIt() throws Exception {
		this.mvc.perform(get("/").param("lang", "zh-CN").header("Accept-Language", "en"))
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")))
			.andExpect(cookie().value("heartbeat-lang", "zh-CN"));
		this.mvc.perform(get("/").cookie(new Cookie("heartbeat-lang", "zh-CN")))
			.andExpect(content().string(containsString("<html lang=\"zh-CN\">")));
	}

	@Test
	void shouldFallBackToEnglishForALanguageWithoutMessages() throws Exception {
		this.mvc.perform(get("/").param("lang", "fr").header("Accept-Language", "zh-CN"))
			.andExpect(content().string(containsString("<html lang=\"en\">")))
			.andExpect(content().string(containsString(">Connect</button>")));
		this.mvc.perform(get("/").header("Accept-Language", "de-DE"))
			.andExpect(content().string(containsString("<html lang=\"en\">")));
	}

	@Test
	void shouldRenderTheFaultControlsWithADelayBetweenSlowRttAndTheAckTimeout() throws Exception {
		// slow-rtt 1 s (default), ack timeout 3 s: 1.5 x slow-rtt is slow but still acked in time.
		this.mvc.perform(get("/"))
			.andExpect(content().string(containsString("data-faults-enabled=\"true\"")))
			.andExpect(content().string(containsString("id=\"fault-delay-ms\"")))
			.andExpect(content().string(containsString("max=\"30000\" value=\"1500\"")))
			.andExpect(content().string(not(containsString("id=\"faults-off\""))));
	}

	@Test
	void shouldNotOfferToStopTheNodeOfAServerOnItsOwn() throws Exception {
		// The demo's faults without cluster mode: a stopped server would leave the page nowhere to go.
		this.mvc.perform(get("/"))
			.andExpect(content().string(containsString("id=\"fault-drop-connection\"")))
			.andExpect(content().string(not(containsString("id=\"fault-stop-node\""))));
	}

	@Test
	void shouldRenderEveryPageWithOnlyItsModuleAndNoInlineStyle() throws Exception {
		for (String page : new String[] { "/", "/sessions", "/storm" }) {
			String html = this.mvc.perform(get(page)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
			assertThat(html.split("<script")).as(page + ": exactly one script element, the module").hasSize(2);
			assertThat(html).as(page).contains("<script type=\"module\" src=\"/js/").doesNotContain("onclick").doesNotContain(" style=");
			assertThat(html.substring(0, html.indexOf("</head>"))).as(page + ": the page's title only; the charts keep theirs")
				.containsOnlyOnce("<title");
		}
		this.mvc.perform(get("/sessions"))
			.andExpect(content().string(containsString("data-stream=\"/api/sessions/stream\"")))
			.andExpect(content().string(containsString("aria-current=\"page\">Server&#39;s view</a>")));
		this.mvc.perform(get("/storm"))
			.andExpect(content().string(containsString("data-run-url=\"/api/demo/restart-storm\"")))
			.andExpect(content().string(containsString("max=\"500\"")));
	}

}

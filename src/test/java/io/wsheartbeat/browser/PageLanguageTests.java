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
 * The page in English and in Chinese: the template's text and the JavaScript's log lines both
 * follow {@code ?lang=}, and the choice is remembered.
 */
// Its own interval, so its own context: a cached context that Spring 7 paused and resumed
// (HeartbeatPageTests shares the "browser" profile) currently refuses new sessions, because
// SessionShutdown.stop() turns acceptingSessions off and start() does not turn it back on.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.interval=600ms")
@ActiveProfiles({ "demo", "browser" })
class PageLanguageTests {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	static final Browser browser = Browser.perTestClass();

	@LocalServerPort
	int port;

	@Test
	void shouldShowTheChinesePageAndChineseLogLines() {
		browser.open("http://localhost:" + this.port + "/?lang=zh-CN");

		await().atMost(WAIT).until(() -> !browser.entries("ack").isEmpty());
		assertThat(browser.script("return document.documentElement.lang;")).isEqualTo("zh-CN");
		assertThat(browser.byId("connect").getText()).isEqualTo("连接");
		assertThat(browser.byId("disconnect").getText()).isEqualTo("断开");
		assertThat(browser.byId("state-text").getText()).isEqualTo("已连接");
		assertThat(text(browser.entries("heartbeat").get(0))).isEqualTo("发送心跳（间隔 600 毫秒）");
		assertThat(text(browser.entries("ack").get(0))).matches("收到心跳响应，往返 \\d+ 毫秒");

		browser.byId("disconnect").click();
		await().atMost(WAIT).until(() -> !browser.entries("disconnect").isEmpty());
		assertThat(text(browser.entries("disconnect").get(0))).startsWith("已手动断开");
		assertThat(browser.byId("state-text").getText()).isEqualTo("未连接");
	}

	@Test
	void shouldRememberTheLanguageAndSwitchBackToEnglish() {
		browser.open("http://localhost:" + this.port + "/?lang=zh-CN");
		browser.driver().get("http://localhost:" + this.port + "/");
		assertThat(browser.driver().getTitle()).isEqualTo("WebSocket 心跳");

		browser.byId("lang-en").click();

		await().atMost(WAIT).until(() -> !browser.entries("ack").isEmpty());
		assertThat(browser.driver().getTitle()).isEqualTo("WebSocket heartbeat");
		assertThat(browser.script("return document.documentElement.lang;")).isEqualTo("en");
		assertThat(browser.byId("lang-en").getDomAttribute("aria-current")).isEqualTo("true");
		assertThat(text(browser.entries("heartbeat").get(0))).isEqualTo("Heartbeat sent (interval 600 ms)");
	}

}

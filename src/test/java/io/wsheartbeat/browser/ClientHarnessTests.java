package io.wsheartbeat.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The page's ES modules (backoff, heartbeat client, log view) unit-tested in headless Chromium:
 * {@code harness/client-tests.js} imports the real modules and drives them with a fake clock and a
 * fake WebSocket, so the whole suite runs in well under a second of page time. Each JavaScript
 * test becomes one JUnit test here.
 *
 * <p>A tiny JDK HTTP server serves the modules from the classpath (ES modules do not load from
 * {@code file:}); no Spring context is needed.
 */
class ClientHarnessTests {

	private static HttpServer server;

	private static Browser browser;

	@BeforeAll
	static void start() throws IOException {
		Browser.assumeInstalled();
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/js/", (exchange) -> serve(exchange, "static"));
		server.createContext("/harness/", (exchange) -> serve(exchange, ""));
		server.start();
		browser = Browser.start();
	}

	@AfterAll
	static void stop() {
		if (browser != null) {
			browser.close();
		}
		if (server != null) {
			server.stop(0);
		}
	}

	@TestFactory
	Stream<DynamicTest> clientModules() {
		browser.open("http://127.0.0.1:" + server.getAddress().getPort() + "/harness/client-tests.html");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "true".equals(browser.driver().findElement(By.tagName("body")).getDomAttribute("data-done")));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> results = (List<Map<String, Object>>) browser.script("return window.harnessResults;");
		assertThat(results).as("JavaScript test results").isNotEmpty();
		return results.stream()
			.map((result) -> DynamicTest.dynamicTest((String) result.get("name"),
					() -> assertThat((Boolean) result.get("ok")).as((String) result.get("error")).isTrue()));
	}

	private static void serve(HttpExchange exchange, String root) throws IOException {
		String path = exchange.getRequestURI().getPath();
		String resource = (root.isEmpty() ? "" : "/" + root) + path;
		try (exchange; InputStream in = ClientHarnessTests.class.getResourceAsStream(resource)) {
			if (path.contains("..") || in == null) {
				exchange.sendResponseHeaders(404, -1);
				return;
			}
			byte[] body = in.readAllBytes();
			String type = path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8";
			exchange.getResponseHeaders().set("Content-Type", type);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

}

package io.wsheartbeat.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a browser, a crawler or an attacker meets over HTTP: hardening headers on every response,
 * an actuator that shows health and metrics (also for Prometheus) and nothing else, a sessions API that only reads.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.view.enabled=true")
class HardeningIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/sessions", "/actuator/health", "/js/page.js", "/no-such-page", "/ws" })
	void everyResponseCarriesTheHardeningHeaders(String path) throws Exception {
		HttpResponse<String> response = send("GET", path);

		assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying((csp) -> assertThat(csp)
			.contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "default-src 'self'")
			.doesNotContain("unsafe-inline", "unsafe-eval"));
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
	}

	@Test
	void thePageHasNoInlineScriptStyleOrEventHandlerForTheCspToBlock() throws Exception {
		HttpResponse<String> page = send("GET", "/");
		assumeTrue(page.statusCode() == 200, "no page is served at / on this branch yet");

		String html = page.body();
		assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find())
			.as("a <script> without src: inline script, blocked by script-src 'self'").isFalse();
		assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find())
			.as("an on...= event handler attribute: inline script").isFalse();
		assertThat(Pattern.compile("\\sstyle\\s*=|<style", Pattern.CASE_INSENSITIVE).matcher(html).find())
			.as("inline style, blocked by style-src 'self'").isFalse();
		assertThat(html).doesNotContain("javascript:");
	}

	@Test
	void actuatorListsOnlyHealthMetricsAndPrometheus() throws Exception {
		HttpResponse<String> index = send("GET", "/actuator");
		assertThat(index.statusCode()).isEqualTo(200);

		JsonNode links = json.readTree(index.body()).path("_links");
		assertThat(links.propertyNames()).allMatch((name) -> name.equals("self") || name.startsWith("health")
				|| name.startsWith("metrics") || name.equals("prometheus"));
		assertThat(send("GET", "/actuator/health").statusCode()).isEqualTo(200);
		assertThat(send("GET", "/actuator/metrics/heartbeat.sessions.active").statusCode()).isEqualTo(200);
		HttpResponse<String> prometheus = send("GET", "/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("heartbeat_sessions_active ");
		assertThat(send("POST", "/actuator/prometheus").statusCode()).as("it only reads").isIn(404, 405);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/heapdump",
			"/actuator/threaddump", "/actuator/loggers", "/actuator/mappings", "/actuator/shutdown",
			"/actuator/sessions" })
	void noOtherActuatorEndpointAnswers(String path) throws Exception {
		assertThat(send("GET", path).statusCode()).isEqualTo(404);
		assertThat(send("POST", path).statusCode()).isIn(404, 405);
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "DELETE", "PATCH" })
	void theSessionsApiOnlyReads(String method) throws Exception {
		HttpResponse<String> response = send(method, "/api/sessions");

		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValueSatisfying((allow) -> assertThat(allow).contains("GET")
			.doesNotContain("POST", "PUT", "DELETE", "PATCH"));
	}

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"))
			.header("Content-Type", "application/json")
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}

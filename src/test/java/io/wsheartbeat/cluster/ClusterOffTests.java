package io.wsheartbeat.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.lettuce.core.resource.ClientResources;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.support.PrometheusScrape;
import io.wsheartbeat.support.SocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code heartbeat.cluster.enabled} the server is one node on its own, as before the
 * cluster existed: no Redis client (so no connection attempt and no Lettuce thread), health UP
 * with no Redis check to turn it DOWN, no cluster meters, and a welcome that names no node.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "heartbeat.view.enabled=true")
class ClusterOffTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void shouldCreateNoRedisClientAndNoClusterBean() {
		assertThat(this.context.getBeanNamesForType(RedisConnectionFactory.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ClientResources.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ServerNode.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ClusterMembership.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ClusterMetrics.class)).isEmpty();
	}

	@Test
	void shouldExposeTheHeartbeatMetersForPrometheusAndNoClusterMeter() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);

		PrometheusScrape scrape = PrometheusScrape.parse(response.body());
		assertThat(scrape.samples()).contains("heartbeat_sessions_active", "heartbeat_acks_total",
				"heartbeat_reaped_total", "heartbeat_errors_total{cause=\"bad-input\"}",
				"heartbeat_errors_total{cause=\"transport\"}", "heartbeat_reaper_pass_seconds_count");
		assertThat(scrape.help("heartbeat_sessions_active")).isEqualTo("Open WebSocket sessions");
		assertThat(scrape.samples()).noneMatch((sample) -> sample.startsWith("heartbeat_cluster_"))
			.noneMatch((sample) -> sample.startsWith("lettuce_"));
		assertThat(this.context.getBeanNamesForType(RedisConnectionFactory.class)).as("still no Redis client").isEmpty();
	}

	@Test
	void shouldReportHealthUpWithNoRedisCheck() throws Exception {
		HttpResponse<String> health = get("/actuator/health");

		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("redis", "cluster", "components");
	}

	@Test
	void shouldNameNoNodeInTheWelcomeNorInTheView() throws Exception {
		try (SocketClient client = SocketClient.connect(this.port)) {
			assertThat(client.readText()).contains("\"welcome\"").doesNotContain("\"node\"");
			HttpResponse<String> sessions = get("/api/sessions");
			assertThat(sessions.body()).contains("remoteAddress").doesNotContain("\"node\"");
			assertThat(sessions.headers().firstValue("Cluster-View")).isEmpty();
		}
	}

	@Test
	void shouldShowNoNodeOnThePages() throws Exception {
		for (String page : new String[] { "/?lang=en", "/sessions?lang=en" }) {
			assertThat(get(page).body()).as(page).doesNotContain("id=\"node\"", "id=\"sessions-nodes\"", ">Node</th>");
		}
	}

	@Test
	void shouldNotAnswerTheClusterApi() throws Exception {
		assertThat(get("/api/cluster").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}

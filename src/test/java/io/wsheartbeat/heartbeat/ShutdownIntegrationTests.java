package io.wsheartbeat.heartbeat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsheartbeat.HeartbeatApplication;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShutdownIntegrationTests {

	@Test
	void closingTheApplicationWithNoDrainSays1001GoingAwayToEveryClient() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(HeartbeatApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "heartbeat.shutdown.drain=0")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		try (WireClient first = WireClient.connect(port); WireClient second = WireClient.connect(port)) {
			first.awaitFrame("welcome");
			second.awaitFrame("welcome");

			context.close(); // what SIGTERM does, through the JVM's shutdown hook

			assertThat(first.closed().orTimeout(5, TimeUnit.SECONDS).join().code()).isEqualTo(1001);
			assertThat(second.closed().orTimeout(5, TimeUnit.SECONDS).join().code()).isEqualTo(1001);
		}
		finally {
			context.close();
		}
	}


	@Test
	void shouldNotStartWhenTheShutdownPhaseCannotHoldTheDrain() {
		assertThatThrownBy(() -> new SpringApplicationBuilder(HeartbeatApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.run("--heartbeat.shutdown.drain=30s", "--spring.lifecycle.timeout-per-shutdown-phase=30s"))
			.as("30 s of drain, 5 s of close handshakes and 1 s of margin do not fit in 30 s")
			.hasStackTraceContaining(
					"spring.lifecycle.timeout-per-shutdown-phase (PT30S) must cover heartbeat.shutdown.drain (PT30S) plus heartbeat.send-time-limit (PT5S)");
	}

}

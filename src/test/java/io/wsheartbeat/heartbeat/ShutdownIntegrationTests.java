package io.wsheartbeat.heartbeat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.wsheartbeat.HeartbeatApplication;
import io.wsheartbeat.support.WireClient;

import static org.assertj.core.api.Assertions.assertThat;

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

}

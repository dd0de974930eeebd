package io.wsheartbeat.webserver;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** The web server's worker threads: few by default, sized by cores, and the user's value wins. */
class WorkerThreadsTests {

	@Test
	void fourPerCoreAndAtLeastEight() {
		assertThat(WorkerThreads.forCores(1)).isEqualTo(8);
		assertThat(WorkerThreads.forCores(2)).isEqualTo(8);
		assertThat(WorkerThreads.forCores(16)).isEqualTo(64);
	}

	@Test
	void jettyGetsAsManyWorkersBesidesItsAcceptorsAndSelectors() {
		assertThat(WorkerThreads.jettyThreads(2)).isEqualTo(8 + 1 + 1);
		assertThat(WorkerThreads.jettyThreads(16)).isEqualTo(64 + 2 + 8);
	}

	@Test
	void withoutASettingTheDefaultApplies() {
		StandardEnvironment environment = new StandardEnvironment();
		new WorkerThreads().postProcessEnvironment(environment, new SpringApplication());

		int cores = Runtime.getRuntime().availableProcessors();
		assertThat(environment.getProperty(WorkerThreads.TOMCAT, Integer.class)).isEqualTo(WorkerThreads.forCores(cores));
		assertThat(environment.getProperty(WorkerThreads.JETTY, Integer.class))
			.isEqualTo(WorkerThreads.jettyThreads(cores));
	}

	@Test
	void theUsersValueWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("applicationProperties", Map.of(WorkerThreads.TOMCAT, "200", WorkerThreads.JETTY, "300")));
		new WorkerThreads().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty(WorkerThreads.TOMCAT)).isEqualTo("200");
		assertThat(environment.getProperty(WorkerThreads.JETTY)).isEqualTo("300");
	}

}

package io.wsheartbeat.tomcat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Tomcat's worker threads: few by default, sized by cores, and the user's value wins. */
class WorkerThreadsTests {

	@Test
	void fourPerCoreAndAtLeastEight() {
		assertThat(WorkerThreads.forCores(1)).isEqualTo(8);
		assertThat(WorkerThreads.forCores(2)).isEqualTo(8);
		assertThat(WorkerThreads.forCores(16)).isEqualTo(64);
	}

	@Test
	void withoutASettingTheDefaultApplies() {
		StandardEnvironment environment = new StandardEnvironment();
		new WorkerThreads().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty(WorkerThreads.PROPERTY, Integer.class))
			.isEqualTo(WorkerThreads.forCores(Runtime.getRuntime().availableProcessors()));
	}

	@Test
	void theUsersValueWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("applicationProperties", Map.of(WorkerThreads.PROPERTY, "200")));
		new WorkerThreads().postProcessEnvironment(environment, new SpringApplication());

		assertThat(environment.getProperty(WorkerThreads.PROPERTY)).isEqualTo("200");
	}

}

package io.wsheartbeat.webserver;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Tomcat's per-session frame buffers are sized by the application unless the JVM was told otherwise. */
class WebSocketBufferSizeTests {

	private String before;

	@BeforeEach
	void clearProperty() {
		this.before = System.clearProperty(WebSocketBufferSize.PROPERTY);
	}

	@AfterEach
	void restoreProperty() {
		if (this.before != null) {
			System.setProperty(WebSocketBufferSize.PROPERTY, this.before);
		}
		else {
			System.clearProperty(WebSocketBufferSize.PROPERTY);
		}
	}

	@Test
	void setsTheDefaultConnectionBufferSize() {
		new WebSocketBufferSize().postProcessEnvironment(new MockEnvironment(), null);

		assertThat(System.getProperty(WebSocketBufferSize.PROPERTY)).isEqualTo("256");
	}

	@Test
	void followsTheConfiguredConnectionBufferSize() {
		new WebSocketBufferSize().postProcessEnvironment(
				new MockEnvironment().withProperty("heartbeat.connection-buffer-size", "2KB"), null);

		assertThat(System.getProperty(WebSocketBufferSize.PROPERTY)).isEqualTo("2048");
	}

	@Test
	void keepsASizeGivenToTheJvm() {
		System.setProperty(WebSocketBufferSize.PROPERTY, "4096");

		new WebSocketBufferSize().postProcessEnvironment(
				new MockEnvironment().withProperty("heartbeat.connection-buffer-size", "2KB"), null);

		assertThat(System.getProperty(WebSocketBufferSize.PROPERTY)).isEqualTo("4096");
	}

	@Test
	void leavesAnUnreadableConfigurationToTheContextToReport() {
		new WebSocketBufferSize().postProcessEnvironment(
				new MockEnvironment().withProperty("heartbeat.connection-buffer-size", "lots"), null);

		assertThat(System.getProperty(WebSocketBufferSize.PROPERTY)).isNull();
	}

}

package io.wsheartbeat.webserver;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * Sizes the buffers Tomcat's WebSocket code keeps per session for frames in, frames out and text
 * being encoded to {@code heartbeat.connection-buffer-size}. Tomcat reads their size from one JVM
 * system property, {@value #PROPERTY}, once, when its WebSocket classes load; at its default of
 * 8KB those three buffers are 24KB of every session, for heartbeat frames of under 100 bytes.
 *
 * <p>So it is set here, as the environment is prepared: before the context, and with it the web
 * server and Tomcat's WebSocket classes, exists. A value given on the command line
 * ({@code -D}{@value #PROPERTY}) is kept. Only the first application in a JVM decides: where
 * Tomcat's WebSocket classes are loaded already (tests that start several contexts), the size
 * they read stays. On Jetty nothing reads it: Jetty's buffers come from its buffer pool.
 */
class WebSocketBufferSize implements EnvironmentPostProcessor {

	static final String PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (System.getProperty(PROPERTY) != null) {
			return;
		}
		HeartbeatProperties properties;
		try {
			// Bound as the application will bind it, so the default lives in HeartbeatProperties alone.
			properties = Binder.get(environment).bindOrCreate("heartbeat", HeartbeatProperties.class);
		}
		catch (RuntimeException ex) {
			return; // the context's own binding reports it, with Boot's explanation of what is wrong
		}
		System.setProperty(PROPERTY, String.valueOf(properties.connectionBufferSize().toBytes()));
	}

}

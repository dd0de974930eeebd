package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.heartbeat.HeartbeatProperties;
import io.wsheartbeat.heartbeat.ServerNode;
import io.wsheartbeat.heartbeat.TestHandlers;
import io.wsheartbeat.heartbeat.WebSocketConnections;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;

/**
 * The demo's faults as a decorator of the heartbeat's own handler: acks dropped or held on their
 * way to the client, as before the heartbeat stopped asking about faults, and {@code simulate}
 * frames answered before they reach it.
 */
class FaultSimulatorTests {

	private final HeartbeatProperties properties = TestProperties.defaults();

	private final FaultSimulator faults = faultSimulator(this.properties);

	private final WebSocketHandler handler = this.faults
		.decorate(TestHandlers.heartbeatHandler(this.properties, new ManualClock()));

	// What reached the client, with when it left.
	private final List<Sent> sent = new CopyOnWriteArrayList<>();

	private final WebSocketSession connection = connection("a");

	@AfterEach
	void stopTheDelayedAcks() {
		this.faults.destroy();
	}

	@Test
	void acksPassAtOnceWhileNoFaultIsInForce() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		heartbeat(1);

		assertThat(frames()).last().asString().startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":1,");
	}

	@Test
	void dropAcksDropsThemOnTheirWayOutAndTheHeartbeatStillHearsTheSession() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		simulate("{\"type\":\"simulate\",\"fault\":\"drop-acks\"}");
		assertThat(frames()).last().isEqualTo("{\"type\":\"simulated\",\"fault\":\"drop-acks\"}");
		heartbeat(2);
		send("{\"type\":\"message\",\"text\":\"still there\"}");

		// Dropped, not held: nothing was handed to another thread, so nothing can come later.
		assertThat(frames()).noneMatch((frame) -> frame.startsWith("{\"type\":\"heartbeat_ack\""));
		assertThat(frames()).last().asString().as("other frames pass").startsWith("{\"type\":\"echo\"");

		simulate("{\"type\":\"simulate\",\"fault\":\"none\"}");
		heartbeat(3);
		assertThat(frames()).last().asString().startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":3,");
	}

	@Test
	void delayAcksHoldsEachAckForTheDelayAsked() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);
		simulate("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":300}");
		assertThat(frames()).last().isEqualTo("{\"type\":\"simulated\",\"fault\":\"delay-acks\",\"delay\":300}");

		long asked = System.nanoTime();
		heartbeat(4);

		Sent ack = await().atMost(Duration.ofSeconds(5))
			.until(() -> this.sent.stream().filter((frame) -> frame.text().startsWith("{\"type\":\"heartbeat_ack\"")).findFirst().orElse(null),
					(found) -> found != null);
		assertThat(ack.text()).startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":4,");
		assertThat(Duration.ofNanos(ack.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

	@Test
	void refusesADelayAboveTheLimitAndAFaultItDoesNotKnow() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		simulate("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":30001}");
		assertThat(frames()).last().asString().contains("\"code\":\"invalid-field\"", "heartbeat.demo.max-ack-delay");
		simulate("{\"type\":\"simulate\",\"fault\":\"delay-acks\"}");
		assertThat(frames()).last().asString().contains("\"code\":\"invalid-field\"", "delay");
		simulate("{\"type\":\"simulate\",\"fault\":\"melt-down\"}");
		assertThat(frames()).last().asString().contains("\"code\":\"invalid-field\"", "drop-acks, delay-acks");

		heartbeat(5);
		assertThat(frames()).last().asString().as("no fault in force").startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":5,");
	}

	@Test
	void refusesToStopAServerOnItsOwnAndToCutAConnectionItCannot() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		simulate("{\"type\":\"simulate\",\"fault\":\"stop-node\"}");
		assertThat(frames()).last().asString().contains("\"code\":\"faults-disabled\"", "heartbeat.cluster.enabled");
		simulate("{\"type\":\"simulate\",\"fault\":\"drop-connection\"}");
		assertThat(frames()).last().asString().contains("\"code\":\"faults-disabled\"", "cannot drop a connection");
	}

	@Test
	void aMessageInPartsGoesToTheHeartbeatWhateverItHolds() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		this.handler.handleMessage(this.connection, new TextMessage("{\"type\":\"simulate\",", false));
		this.handler.handleMessage(this.connection, new TextMessage("\"fault\":\"drop-acks\"}", true));

		assertThat(frames()).last().asString().as("the heartbeat's answer").contains("\"code\":\"faults-disabled\"");
		heartbeat(6);
		assertThat(frames()).last().asString().startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":6,");
	}

	private void heartbeat(long timestamp) throws Exception {
		send("{\"type\":\"heartbeat\",\"timestamp\":" + timestamp + "}");
	}

	private void simulate(String frame) throws Exception {
		send(frame);
	}

	private void send(String frame) throws Exception {
		this.handler.handleMessage(this.connection, new TextMessage(frame));
	}

	private List<String> frames() {
		return this.sent.stream().map(Sent::text).toList();
	}

	private WebSocketSession connection(String id) {
		WebSocketSession connection = Sessions.connection(id);
		Map<String, Object> attributes = new ConcurrentHashMap<>();
		given(connection.getAttributes()).willReturn(attributes);
		try {
			willAnswer((invocation) -> {
				WebSocketMessage<?> message = invocation.getArgument(0);
				this.sent.add(new Sent(((TextMessage) message).getPayload(), System.nanoTime()));
				return null;
			}).given(connection).sendMessage(any());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return connection;
	}

	private static FaultSimulator faultSimulator(HeartbeatProperties properties) {
		DefaultListableBeanFactory noBeans = new DefaultListableBeanFactory();
		return new FaultSimulator(properties, new DemoProperties(true, 500, Duration.ofSeconds(30)),
				JsonMapper.builder().build(), noBeans.getBeanProvider(WebSocketConnections.class),
				noBeans.getBeanProvider(ServerNode.class));
	}

	private record Sent(String text, long nanoTime) {
	}

}

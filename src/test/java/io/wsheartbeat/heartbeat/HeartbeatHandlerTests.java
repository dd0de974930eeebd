package io.wsheartbeat.heartbeat;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.verify;

/**
 * The product's path through the handler: a heartbeat is acked before the handler returns, on the
 * thread that read it, with nothing asked of anyone on the way; and the handler takes nothing
 * that could simulate a fault. A {@code simulate} frame is refused, and the session served on.
 */
class HeartbeatHandlerTests {

	private final WebSocketHandler handler = TestHandlers.heartbeatHandler(TestProperties.defaults(), new ManualClock());

	private final WebSocketSession connection = Sessions.connection("a");

	@Test
	void acksAHeartbeatBeforeItReturnsOnTheThreadThatReadIt() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		this.handler.handleMessage(this.connection, new TextMessage("{\"type\":\"heartbeat\",\"timestamp\":7}"));

		assertThat(sent()).last().isEqualTo("{\"type\":\"heartbeat_ack\",\"timestamp\":7,\"serverTime\":1795600800000}");
	}

	@Test
	void refusesASimulateFrameWithFaultsDisabledAndGoesOnAcking() throws Exception {
		this.handler.afterConnectionEstablished(this.connection);

		for (String fault : new String[] { "drop-acks", "stop-node", "no-such-fault" }) {
			this.handler.handleMessage(this.connection,
					new TextMessage("{\"type\":\"simulate\",\"fault\":\"" + fault + "\"}"));
			assertThat(sent()).last().asString().startsWith("{\"type\":\"error\",\"code\":\"faults-disabled\"");
		}
		this.handler.handleMessage(this.connection, new TextMessage("{\"type\":\"heartbeat\",\"timestamp\":8}"));

		assertThat(sent()).last().asString().startsWith("{\"type\":\"heartbeat_ack\",\"timestamp\":8,");
	}

	@Test
	void takesNothingThatCouldSimulateAFault() {
		List<Type> taken = new ArrayList<>();
		for (Constructor<?> constructor : HeartbeatHandler.class.getDeclaredConstructors()) {
			for (Type parameter : constructor.getGenericParameterTypes()) {
				taken.add(parameter);
				if (parameter instanceof ParameterizedType generic) {
					taken.addAll(List.of(generic.getActualTypeArguments()));
				}
			}
		}
		assertThat(taken).extracting(Type::getTypeName)
			.as("the heartbeat's own types, Spring's and the JDK's; nothing of the demo's, nothing that asks about faults")
			.allMatch((name) -> !name.startsWith("io.wsheartbeat.") || name.startsWith("io.wsheartbeat.heartbeat."))
			.noneMatch((name) -> name.toLowerCase().contains("fault") || name.contains("SessionTasks"));
	}

	private List<String> sent() throws Exception {
		@SuppressWarnings("unchecked")
		ArgumentCaptor<WebSocketMessage<?>> frames = ArgumentCaptor.forClass(WebSocketMessage.class);
		verify(this.connection, atLeastOnce()).sendMessage(frames.capture());
		return frames.getAllValues().stream().map((frame) -> ((TextMessage) frame).getPayload()).toList();
	}

}

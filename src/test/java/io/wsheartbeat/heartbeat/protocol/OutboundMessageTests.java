package io.wsheartbeat.heartbeat.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.heartbeat.protocol.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.HeartbeatAck;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.Welcome;
import io.wsheartbeat.support.BadInputs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ack writes itself, and the welcome is written once per server with a place for the session
 * id, instead of going through Jackson per frame: each must be the very text Jackson writes from
 * the record, for every timestamp a client may send and every session id.
 */
class OutboundMessageTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final InboundDecoder decoder = new InboundDecoder();

	@Test
	void anAckEchoesTheTimestampAsTheClientWroteIt() {
		Heartbeat heartbeat = (Heartbeat) this.decoder.decode("{\"type\":\"heartbeat\",\"timestamp\":1E2}");

		assertThat(new HeartbeatAck(heartbeat.timestamp(), 1732500000123L).toJson(this.jsonMapper))
			.isEqualTo("{\"type\":\"heartbeat_ack\",\"timestamp\":1E2,\"serverTime\":1732500000123}");
	}

	@Test
	void anAckToAHeartbeatWithoutATimestampHasNone() {
		assertThat(new HeartbeatAck(null, 7).toJson(this.jsonMapper)).isEqualTo("{\"type\":\"heartbeat_ack\",\"serverTime\":7}");
	}

	@Property(tries = 1000)
	void anAckIsTheTextJacksonWritesFromTheRecord(@ForAll("heartbeats") String frame, @ForAll long serverTime) {
		if (this.decoder.decode(frame) instanceof Heartbeat heartbeat) {
			HeartbeatAck ack = new HeartbeatAck(heartbeat.timestamp(), serverTime);

			assertThat(ack.toJson(this.jsonMapper)).isEqualTo(this.jsonMapper.writeValueAsString(ack));
		}
	}

	@Test
	void aWelcomeIsTheTextJacksonWritesWithTheSessionsId() {
		Welcome welcome = new Welcome("3f2c1a9e-8b7d-4c6e-9f01-23456789abcd", 10_000, 5_000, 40_000, 1_000, 60_000,
				60_000, null);

		assertThat(welcome.frame(this.jsonMapper).forSession(welcome.sessionId()))
			.isEqualTo(this.jsonMapper.writeValueAsString(welcome))
			.isEqualTo("{\"type\":\"welcome\",\"sessionId\":\"3f2c1a9e-8b7d-4c6e-9f01-23456789abcd\",\"interval\":10000,"
					+ "\"ackTimeout\":5000,\"serverTimeout\":40000,\"slowRtt\":1000,\"slowInterval\":60000,"
					+ "\"maxInterval\":60000}");
	}

	@Property(tries = 1000)
	void aWelcomeIsTheTextJacksonWritesFromTheRecord(@ForAll("sessionIds") String sessionId,
			@ForAll("nodes") String node, @ForAll long interval, @ForAll long ackTimeout) {
		Welcome welcome = new Welcome(sessionId, interval, ackTimeout, 40_000, 1_000, 60_000, 60_000, node);
		Welcome.Frame frame = new Welcome("unused", interval, ackTimeout, 40_000, 1_000, 60_000, 60_000, node)
			.frame(this.jsonMapper);

		assertThat(frame.forSession(sessionId)).isEqualTo(this.jsonMapper.writeValueAsString(welcome));
	}

	@Provide
	Arbitrary<String> sessionIds() {
		return Arbitraries.oneOf(Arbitraries.create(() -> java.util.UUID.randomUUID().toString()),
				Arbitraries.strings().ofMaxLength(40), Arbitraries.strings().withChars("\"\\~\u0000\u001f\u007f\u00e9\u2028a-")
					.ofMaxLength(10));
	}

	@Provide
	Arbitrary<String> nodes() {
		return Arbitraries.oneOf(Arbitraries.just(null),
				Arbitraries.strings().withCharRange('a', 'z').withChars('.', '_', '-', '0').ofMinLength(1).ofMaxLength(64));
	}

	@Provide
	Arbitrary<String> heartbeats() {
		return Arbitraries.oneOf(BadInputs.validHeartbeats(), BadInputs.numbersOutOfRange(),
				Arbitraries.just("{\"type\":\"heartbeat\"}"));
	}

}

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
import io.wsheartbeat.support.BadInputs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ack writes itself instead of going through Jackson: it must be the very text Jackson writes
 * from the record, for every timestamp a client may send.
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

	@Provide
	Arbitrary<String> heartbeats() {
		return Arbitraries.oneOf(BadInputs.validHeartbeats(), BadInputs.numbersOutOfRange(),
				Arbitraries.just("{\"type\":\"heartbeat\"}"));
	}

}

package io.wsheartbeat.heartbeat.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import tools.jackson.databind.json.JsonMapper;

import io.wsheartbeat.heartbeat.protocol.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Message;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Unusable;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.HeartbeatAck;
import io.wsheartbeat.support.BadInputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Whatever a client sends, the decoder answers with a value, never an exception, and any error
 * it answers is one of protocol v1's codes with a message that gives nothing of the server away.
 */
class InboundDecoderPropertyTests {

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final InboundDecoder decoder = new InboundDecoder();

	@Property(tries = 3000)
	void anyFrameDecodesToAMessageOrADocumentedError(@ForAll("frames") String frame) {
		InboundMessage message = this.decoder.decode(frame);

		assertThat(message).isNotNull();
		if (message instanceof Unusable unusable) {
			assertThat(unusable.code()).isIn(BadInputs.ERROR_CODES);
			assertThat(unusable.message()).doesNotContain("Exception", "\tat ", "tools.jackson", "java.");
		}
	}

	@Property(tries = 3000)
	void everyAnswerToAnyFrameIsStrictJson(@ForAll("frames") String frame) {
		InboundMessage message = this.decoder.decode(frame);
		OutboundMessage answer;
		if (message instanceof Heartbeat heartbeat) {
			answer = new HeartbeatAck(heartbeat.timestamp(), 0);
		}
		else if (message instanceof Message text) {
			answer = new OutboundMessage.Echo(text.text(), 0);
		}
		else {
			Unusable unusable = (Unusable) message;
			answer = new ErrorReply(unusable.code(), unusable.message());
		}

		String written = answer.toJson(this.jsonMapper);

		// The browser's JSON.parse accepts exactly strict JSON: no NaN, no Infinity. And the
		// container must be able to encode it as UTF-8, or the send throws instead of sending.
		assertThatNoException().as(written).isThrownBy(() -> this.jsonMapper.readTree(written));
		assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(written)).as(written).isTrue();
	}

	@Property(tries = 500)
	void aTextWithAnUnpairedSurrogateIsAnInvalidFieldNotAnEcho(@ForAll("texts") String before,
			@ForAll("loneSurrogates") String surrogate, @ForAll("texts") String after) {
		String text = before + surrogate + after;
		Assume.that(!StandardCharsets.UTF_8.newEncoder().canEncode(text));

		InboundMessage message = this.decoder.decode("{\"type\":\"message\",\"text\":\"" + BadInputs.jsonEscape(text) + "\"}");

		assertThat(message).isInstanceOfSatisfying(Unusable.class,
				(unusable) -> assertThat(unusable.code()).isEqualTo(InboundDecoder.INVALID_FIELD));
	}

	@Property(tries = 500)
	void aHeartbeatWithFieldsInRangeKeepsItsValues(@ForAll long timestamp,
			@ForAll @LongRange(min = 1, max = 86_400_000) long interval,
			@ForAll @LongRange(min = 0, max = 86_400_000) long rtt) {
		InboundMessage message = this.decoder.decode("{\"type\":\"heartbeat\",\"timestamp\":" + timestamp
				+ ",\"interval\":" + interval + ",\"rtt\":" + rtt + "}");

		assertThat(message).isInstanceOfSatisfying(Heartbeat.class, (heartbeat) -> {
			assertThat(heartbeat.timestamp()).isEqualTo(String.valueOf(timestamp));
			assertThat(heartbeat.interval()).isEqualTo(Duration.ofMillis(interval));
			assertThat(heartbeat.rtt()).isEqualTo(Duration.ofMillis(rtt));
		});
	}

	@Property(tries = 500)
	void anIntervalOutOfRangeIsAnInvalidField(@ForAll("intervalsOutOfRange") String interval) {
		InboundMessage message = this.decoder.decode("{\"type\":\"heartbeat\",\"interval\":" + interval + "}");

		assertThat(message).isInstanceOfSatisfying(Unusable.class,
				(unusable) -> assertThat(unusable.code()).isIn(InboundDecoder.INVALID_FIELD, InboundDecoder.INVALID_JSON));
	}

	@Property(tries = 1000)
	void aMessagesTextComesBackExactlyAsSent(@ForAll("texts") String text) {
		Assume.that(StandardCharsets.UTF_8.newEncoder().canEncode(text));

		InboundMessage message = this.decoder.decode("{\"type\":\"message\",\"text\":\"" + BadInputs.jsonEscape(text) + "\"}");

		assertThat(message).isEqualTo(new Message(text));
	}

	@Provide
	Arbitrary<String> frames() {
		return BadInputs.frames();
	}

	@Provide
	Arbitrary<String> texts() {
		return Arbitraries.strings().all().ofMaxLength(500);
	}

	@Provide
	Arbitrary<String> loneSurrogates() {
		return Arbitraries.chars().range('\uD800', '\uDFFF').map(String::valueOf);
	}

	@Provide
	Arbitrary<String> intervalsOutOfRange() {
		return Arbitraries.oneOf(Arbitraries.longs().lessOrEqual(0).map(String::valueOf),
				Arbitraries.longs().greaterOrEqual(86_400_001).map(String::valueOf),
				Arbitraries.doubles().filter((d) -> d != Math.rint(d)).map(String::valueOf)
					.filter((d) -> !d.contains("N") && !d.contains("I")),
				Arbitraries.of("1e400", "99999999999999999999999", "1.5", "\"1000\"", "null", "[]", "{}", "true"));
	}

}

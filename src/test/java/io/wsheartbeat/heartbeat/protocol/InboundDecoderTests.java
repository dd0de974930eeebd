package io.wsheartbeat.heartbeat.protocol;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.wsheartbeat.heartbeat.protocol.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Message;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Unusable;

import static org.assertj.core.api.Assertions.assertThat;

class InboundDecoderTests {

	private final InboundDecoder decoder = new InboundDecoder();

	@Test
	void decodesAHeartbeatWithEveryField() {
		InboundMessage message = this.decoder.decode("{\"type\":\"heartbeat\",\"timestamp\":1732500000123,\"interval\":60000,\"rtt\":42}");

		assertThat(message).isInstanceOfSatisfying(Heartbeat.class, (heartbeat) -> {
			assertThat(heartbeat.timestamp()).isEqualTo("1732500000123");
			assertThat(heartbeat.interval()).isEqualTo(Duration.ofMinutes(1));
			assertThat(heartbeat.rtt()).isEqualTo(Duration.ofMillis(42));
		});
	}

	@ParameterizedTest
	@CsvSource({ "12.5", "-0", "1E2", "1e400", "-9223372036854775809", "4.9e-324" })
	void keepsTheTimestampAsTheClientWroteIt(String timestamp) {
		assertThat(this.decoder.decode("{\"timestamp\":" + timestamp + ",\"type\":\"heartbeat\"}"))
			.isEqualTo(new Heartbeat(timestamp, null, null));
	}

	@Test
	void decodesTheReferencesBareHeartbeat() {
		assertThat(this.decoder.decode("{\"type\":\"heartbeat\"}")).isEqualTo(new Heartbeat(null, null, null));
	}

	@Test
	void decodesASimulateWithTheFaultAsNamedWhicheverFaultItNames() {
		assertThat(this.decoder.decode("{\"type\":\"simulate\",\"fault\":\"delay-acks\",\"delay\":1500}"))
			.isEqualTo(new Simulate("delay-acks", Duration.ofMillis(1500)));
		assertThat(this.decoder.decode("{\"type\":\"simulate\",\"fault\":\"no-such-fault\"}"))
			.as("which faults exist is the demo's business")
			.isEqualTo(new Simulate("no-such-fault", null));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"`{\"type\":\"simulate\"}`                          | \"fault\" must be a string",
			"`{\"type\":\"simulate\",\"fault\":1}`              | \"fault\" must be a string",
			"`{\"type\":\"simulate\",\"fault\":\"none\",\"delay\":-1}` | \"delay\" must be a whole number",
			"`{\"type\":\"simulate\",\"fault\":\"none\",\"delay\":1.5}` | \"delay\" must be a whole number" })
	void refusesASimulateWithoutAFaultNameOrWithADelayThatIsNotOne(String frame, String problem) {
		assertThat(this.decoder.decode(frame)).isInstanceOfSatisfying(Unusable.class, (unusable) -> {
			assertThat(unusable.code()).isEqualTo(InboundDecoder.INVALID_FIELD);
			assertThat(unusable.message()).startsWith(problem);
		});
	}

	@Test
	void decodesAMessageAndIgnoresUnknownFields() {
		assertThat(this.decoder.decode("{\"type\":\"message\",\"text\":\"hi\",\"extra\":[1]}")).isEqualTo(new Message("hi"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"``                                              | invalid-json",
			"`{\"type\":\"heartbeat\"`                       | invalid-json",
			"`{\"type\":\"heartbeat\"} trailing`             | invalid-json",
			"`{\"type\":\"heartbeat\"} {\"type\":\"heartbeat\"}` | invalid-json",
			"`[1] 2`                                         | invalid-json",
			"`[1`                                            | invalid-json",
			"`[1]`                                           | not-an-object",
			"`{\"type\":\"heartbeat\",\"timestamp\":NaN}`  | invalid-json",
			"`{\"type\":\"heartbeat\",\"timestamp\":[1]}`  | invalid-field",
			"`{\"type\":\"heartbeat\",\"timestamp\":null}` | invalid-field",
			"`{\"type\":\"heartbeat\",\"interval\":99999999999999999999}` | invalid-field",
			"`{\"type\":\"message\",\"type\":\"nonsense\"}` | unknown-type",
			"`null`                                          | not-an-object",
			"`42`                                            | not-an-object",
			"`{\"type\":[]}`                                 | invalid-field",
			"`{\"TYPE\":\"heartbeat\"}`                      | missing-type",
			"`{\"type\":\"HEARTBEAT\"}`                      | unknown-type",
			"`{\"type\":\"heartbeat\",\"timestamp\":true}`   | invalid-field",
			"`{\"type\":\"heartbeat\",\"interval\":0}`       | invalid-field",
			"`{\"type\":\"heartbeat\",\"interval\":1.5}`     | invalid-field",
			"`{\"type\":\"heartbeat\",\"interval\":\"10s\"}` | invalid-field",
			"`{\"type\":\"heartbeat\",\"interval\":86400001}`| invalid-field",
			"`{\"type\":\"heartbeat\",\"rtt\":-1}`           | invalid-field",
			"`{\"type\":\"message\",\"text\":null}`          | invalid-field" })
	void answersUnusableInputWithItsCode(String input, String code) {
		assertThat(this.decoder.decode(input)).isInstanceOfSatisfying(Unusable.class,
				(unusable) -> assertThat(unusable.code()).isEqualTo(code));
	}

	@Test
	void answersDeeplyNestedJsonWithAnErrorNotAStackOverflow() {
		String deep = "{\"type\":\"message\",\"text\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

		assertThat(this.decoder.decode(deep)).isInstanceOf(Unusable.class);
	}

	@Test
	void answersLoneSurrogatesAndControlCharactersWithoutThrowing() {
		assertThat(this.decoder.decode("{\"type\":\"message\",\"text\":\"\\u0000 \\ud83d\\udc93\"}")).isInstanceOf(Message.class);
		// A lone surrogate has no UTF-8 form: echoing it would fail in the container's encoder.
		assertThat(this.decoder.decode("{\"type\":\"message\",\"text\":\"\\ud800 \\u0000\"}"))
			.isEqualTo(new Unusable(InboundDecoder.INVALID_FIELD, "\"text\" must be valid Unicode: it has an unpaired surrogate"));
		assertThat(this.decoder.decode("\u0000\uFFFF")).isInstanceOf(Unusable.class);
	}

}

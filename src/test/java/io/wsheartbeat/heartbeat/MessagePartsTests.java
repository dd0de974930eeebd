package io.wsheartbeat.heartbeat;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.heartbeat.TrackedSession.MessageTooLargeException;
import io.wsheartbeat.support.ManualClock;
import io.wsheartbeat.support.Sessions;
import io.wsheartbeat.support.TestProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** How a session gathers a text message that the container delivers in parts. */
class MessagePartsTests {

	private final TrackedSession session = Sessions.tracked(Sessions.connection("a"), new ManualClock(),
			TestProperties.defaults());

	@Test
	void aMessageInOnePartIsReturnedAsItIsAndNothingIsHeld() throws MessageTooLargeException {
		assertThat(this.session.messagePart("{}", true, 10)).isEqualTo("{}");
		assertThat(this.session.incompleteMessageLength()).isZero();
	}

	@Test
	void partsAreHeldUntilTheLastAndThenLetGo() throws MessageTooLargeException {
		assertThat(this.session.messagePart("abc", false, 10)).isNull();
		assertThat(this.session.messagePart("def", false, 10)).isNull();
		assertThat(this.session.incompleteMessageLength()).isEqualTo(6);

		assertThat(this.session.messagePart("ghij", true, 10)).isEqualTo("abcdefghij");
		assertThat(this.session.incompleteMessageLength()).isZero();
	}

	@Test
	void aMessageOverTheLimitIsRefusedOnceAndTheRestOfItDropped() throws MessageTooLargeException {
		assertThat(this.session.messagePart("abcdef", false, 10)).isNull();
		assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> this.session.messagePart("ghijk", false, 10));
		assertThat(this.session.incompleteMessageLength()).isZero();

		assertThat(this.session.messagePart("more of it", false, 10)).isNull();
		assertThat(this.session.messagePart("its end", true, 10)).isNull();
		assertThat(this.session.incompleteMessageLength()).isZero();
		assertThat(this.session.messagePart("next", true, 10)).isEqualTo("next");
	}

	@Test
	void oneOversizedPartIsRefusedToo() {
		assertThatExceptionOfType(MessageTooLargeException.class)
			.isThrownBy(() -> this.session.messagePart("x".repeat(11), true, 10));
	}

}

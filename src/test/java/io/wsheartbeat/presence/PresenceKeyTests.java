package io.wsheartbeat.presence;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** Whose a session is: the principal first, the client's own claim next, the session last. */
class PresenceKeyTests {

	private final WebSocketSession session = mock(WebSocketSession.class);

	private final Map<String, Object> attributes = new HashMap<>();

	PresenceKeyTests() {
		given(this.session.getId()).willReturn("s1");
		given(this.session.getAttributes()).willReturn(this.attributes);
	}

	@Test
	void anAuthenticatedPrincipalIsTheKeyWhateverTheClientClaims() {
		given(this.session.getPrincipal()).willReturn(() -> "alice");
		this.attributes.put(PresenceKey.CLIENT_ID, "alice");

		assertThat(PresenceKey.of(this.session)).isEqualTo("user:alice");
	}

	@Test
	void aClientIdIsAKeyOfItsOwnKindThatNoUserNameCanTake() {
		this.attributes.put(PresenceKey.CLIENT_ID, "alice");

		assertThat(PresenceKey.of(this.session)).isEqualTo("client:alice");
	}

	@Test
	void aSessionWithNeitherIsItsOwnKey() {
		assertThat(PresenceKey.of(this.session)).isEqualTo("session:s1");
	}

}

package io.wsheartbeat.presence;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code heartbeat.presence.*}. Off unless switched on: {@code /api/presence} tells whoever asks
 * which users and clients are online.
 * @param enabled whether presence is tracked and answered at all
 * @param grace how long a key whose last session closed without the client asking stays
 * {@code reconnecting} before it is {@code offline}
 * @param keepOffline how long an offline key stays listed, for the page and for its {@code since}
 */
@Validated
@ConfigurationProperties("heartbeat.presence")
public record PresenceProperties(
		@DefaultValue("false") boolean enabled,
		@DefaultValue("15s") @NotNull Duration grace,
		@DefaultValue("60s") @NotNull Duration keepOffline) {

	@AssertTrue(message = "heartbeat.presence.grace and keep-offline must not be negative")
	boolean isNotNegative() {
		return grace == null || keepOffline == null || (!grace.isNegative() && !keepOffline.isNegative());
	}

}

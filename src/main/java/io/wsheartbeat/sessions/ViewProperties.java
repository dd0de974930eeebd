package io.wsheartbeat.sessions;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code heartbeat.view.*}: the server's view of the sessions ({@code /api/sessions}, its stream, {@code /sessions} and
 * the page's panel). Off unless switched on: it shows every client's address to whoever asks.
 * @param enabled whether the view answers with session data
 * @param refresh how often the view is pushed to its watchers; one snapshot serves them all
 * @param keepClosed how long a closed session stays in the view, greyed, with its close code
 * @param maxClosed how many closed sessions the view keeps at most
 */
@Validated
@ConfigurationProperties("heartbeat.view")
public record ViewProperties(
		@DefaultValue("false") boolean enabled,
		@DefaultValue("500ms") @NotNull Duration refresh,
		@DefaultValue("60s") @NotNull Duration keepClosed,
		@DefaultValue("50") @Min(0) @Max(1000) int maxClosed) {

	@AssertTrue(message = "heartbeat.view.refresh must be positive")
	boolean isRefreshPositive() {
		return refresh == null || positive(refresh);
	}

	// Duration.isPositive() arrived in Java 18.
	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}

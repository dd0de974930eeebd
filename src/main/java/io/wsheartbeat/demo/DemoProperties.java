package io.wsheartbeat.demo;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * The demo's settings, {@code heartbeat.demo.*}. Off unless switched on (the {@code demo} profile
 * does): in production a client must not be able to ask the server to drop its acks or its
 * connection. Bound whether the demo is on or not, so that the pages can say it is off.
 *
 * @param faultsEnabled whether clients may ask for simulated faults and restart storms
 * @param stormMaxClients the most synthetic clients one restart storm may open
 * @param maxAckDelay the longest ack delay a client may ask for
 */
@Validated
@ConfigurationProperties("heartbeat.demo")
public record DemoProperties(
		@DefaultValue("false") boolean faultsEnabled,
		@DefaultValue("500") @Min(1) @Max(5000) int stormMaxClients,
		@DefaultValue("30s") @NotNull Duration maxAckDelay) {

	/**
	 * Whether a restart storm of {@link #stormMaxClients} fits within the heartbeat's session
	 * limits. Its clients all come from the server's own address, so a storm as large as the
	 * per-address limit would have its own clients turned away with 1013.
	 */
	boolean stormFitsWithin(HeartbeatProperties heartbeat) {
		return this.stormMaxClients < heartbeat.maxSessionsPerAddress() && this.stormMaxClients < heartbeat.maxSessions();
	}

}

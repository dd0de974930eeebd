package io.wsheartbeat.heartbeat;

import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

import io.wsheartbeat.heartbeat.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.InboundMessage.Message;
import io.wsheartbeat.heartbeat.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.InboundMessage.Unusable;

/**
 * Turns a text frame into an {@link InboundMessage}. It never throws: whatever the client sent,
 * the answer is a message or an {@link Unusable} naming the first problem found.
 */
@Component
class InboundDecoder {

	static final String INVALID_JSON = "invalid-json";

	static final String NOT_AN_OBJECT = "not-an-object";

	static final String MISSING_TYPE = "missing-type";

	static final String UNKNOWN_TYPE = "unknown-type";

	static final String INVALID_FIELD = "invalid-field";

	// Intervals and round trips beyond a day are not heartbeats; rejecting them keeps the
	// arithmetic on deadlines far from overflow.
	private static final long MAX_DURATION_MILLIS = Duration.ofDays(1).toMillis();

	private final JsonMapper jsonMapper;

	InboundDecoder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	InboundMessage decode(String text) {
		JsonNode json;
		try {
			json = this.jsonMapper.readTree(text);
		}
		catch (JacksonException ex) {
			return new Unusable(INVALID_JSON, "the message is not valid JSON");
		}
		if (json == null || json.isMissingNode()) {
			return new Unusable(INVALID_JSON, "the message is empty");
		}
		if (!json.isObject()) {
			return new Unusable(NOT_AN_OBJECT, "the message must be a JSON object");
		}
		JsonNode type = json.get("type");
		if (type == null || type.isNull()) {
			return new Unusable(MISSING_TYPE, "the message has no \"type\"");
		}
		if (!type.isString()) {
			return new Unusable(INVALID_FIELD, "\"type\" must be a string");
		}
		return switch (type.asString()) {
			case "heartbeat" -> heartbeat(json);
			case "message" -> message(json);
			case "simulate" -> simulate(json);
			default -> new Unusable(UNKNOWN_TYPE, "unknown type; expected \"heartbeat\", \"message\" or \"simulate\"");
		};
	}

	private InboundMessage heartbeat(JsonNode json) {
		JsonNode timestamp = json.get("timestamp");
		if (timestamp != null && !timestamp.isNumber()) {
			return new Unusable(INVALID_FIELD, "\"timestamp\" must be a number");
		}
		JsonNode interval = json.get("interval");
		if (interval != null && !isMillis(interval, 1)) {
			return new Unusable(INVALID_FIELD, "\"interval\" must be a whole number of milliseconds from 1 to " + MAX_DURATION_MILLIS);
		}
		JsonNode rtt = json.get("rtt");
		if (rtt != null && !isMillis(rtt, 0)) {
			return new Unusable(INVALID_FIELD, "\"rtt\" must be a whole number of milliseconds from 0 to " + MAX_DURATION_MILLIS);
		}
		return new Heartbeat(timestamp, toDuration(interval), toDuration(rtt));
	}

	private InboundMessage message(JsonNode json) {
		JsonNode text = json.get("text");
		if (text == null || !text.isString()) {
			return new Unusable(INVALID_FIELD, "\"text\" must be a string");
		}
		// JSON may spell half of a surrogate pair on its own ("\uD800"); such a string has no UTF-8
		// form, and echoing it would fail in the container's encoder and end the session with 1011.
		if (hasUnpairedSurrogate(text.asString())) {
			return new Unusable(INVALID_FIELD, "\"text\" must be valid Unicode: it has an unpaired surrogate");
		}
		return new Message(text.asString());
	}

	private static boolean hasUnpairedSurrogate(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

	private InboundMessage simulate(JsonNode json) {
		JsonNode name = json.get("fault");
		SimulatedFault fault = (name != null && name.isString()) ? SimulatedFault.fromWireName(name.asString()).orElse(null) : null;
		if (fault == null) {
			return new Unusable(INVALID_FIELD, "\"fault\" must be one of " + SimulatedFault.wireNames());
		}
		JsonNode delay = json.get("delay");
		if (fault == SimulatedFault.DELAY_ACKS && (delay == null || !isMillis(delay, 0))) {
			return new Unusable(INVALID_FIELD, "\"delay\" must be a whole number of milliseconds from 0 to " + MAX_DURATION_MILLIS);
		}
		return new Simulate(fault, (fault == SimulatedFault.DELAY_ACKS) ? toDuration(delay) : null);
	}

	private static boolean isMillis(JsonNode value, long min) {
		return value.isIntegralNumber() && value.canConvertToLong()
				&& value.asLong() >= min && value.asLong() <= MAX_DURATION_MILLIS;
	}

	private static Duration toDuration(JsonNode millis) {
		return (millis != null) ? Duration.ofMillis(millis.asLong()) : null;
	}

}

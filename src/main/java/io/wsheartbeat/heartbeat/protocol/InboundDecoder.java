package io.wsheartbeat.heartbeat.protocol;

import java.time.Duration;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonParser.NumberType;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import io.wsheartbeat.heartbeat.protocol.InboundMessage.Heartbeat;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Message;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Simulate;
import io.wsheartbeat.heartbeat.protocol.InboundMessage.Unusable;

/**
 * Turns a text frame into an {@link InboundMessage}. It never throws: whatever the client sent,
 * the answer is a message or an {@link Unusable} naming the first problem found.
 *
 * <p>One pass of Jackson's streaming parser, keeping only the fields the protocol knows: a
 * heartbeat arrives for every session every few seconds, and building a tree of it cost more than
 * the rest of its handling. The whole frame is still read before any field is judged, so input
 * that is not JSON somewhere is {@code invalid-json} wherever it breaks, and the fields are checked
 * in one order (type, then the type's own fields) whatever order they came in.
 */
public final class InboundDecoder {

	public static final String INVALID_JSON = "invalid-json";

	public static final String NOT_AN_OBJECT = "not-an-object";

	public static final String MISSING_TYPE = "missing-type";

	public static final String UNKNOWN_TYPE = "unknown-type";

	public static final String INVALID_FIELD = "invalid-field";

	// Intervals and round trips beyond a day are not heartbeats; rejecting them keeps the
	// arithmetic on deadlines far from overflow.
	private static final long MAX_DURATION_MILLIS = Duration.ofDays(1).toMillis();

	// The protocol's own factory rather than the application's mapper: frames are strict JSON
	// (no comments, NaN or single quotes; nesting depth and number length bounded by Jackson's
	// StreamReadConstraints) whatever else the application's JSON is configured to accept.
	private final JsonFactory jsonFactory = JsonFactory.builder().build();

	public InboundMessage decode(String text) {
		Fields fields;
		try (JsonParser parser = this.jsonFactory.createParser(ObjectReadContext.empty(), text)) {
			fields = Fields.read(parser);
		}
		catch (JacksonException ex) {
			return new Unusable(INVALID_JSON, "the message is not valid JSON");
		}
		if (fields == Fields.NOT_ONE_VALUE) {
			return new Unusable(INVALID_JSON, "the message is not valid JSON: more follows the first value");
		}
		if (fields == Fields.EMPTY) {
			return new Unusable(INVALID_JSON, "the message is empty");
		}
		if (fields == Fields.NOT_AN_OBJECT) {
			return new Unusable(NOT_AN_OBJECT, "the message must be a JSON object");
		}
		Value type = fields.type;
		if (type == null || type.token() == JsonToken.VALUE_NULL) {
			return new Unusable(MISSING_TYPE, "the message has no \"type\"");
		}
		if (type.token() != JsonToken.VALUE_STRING) {
			return new Unusable(INVALID_FIELD, "\"type\" must be a string");
		}
		return switch (type.text()) {
			case "heartbeat" -> heartbeat(fields);
			case "message" -> message(fields);
			case "simulate" -> simulate(fields);
			default -> new Unusable(UNKNOWN_TYPE, "unknown type; expected \"heartbeat\", \"message\" or \"simulate\"");
		};
	}

	private InboundMessage heartbeat(Fields fields) {
		Value timestamp = fields.timestamp;
		if (timestamp != null && !timestamp.token().isNumeric()) {
			return new Unusable(INVALID_FIELD, "\"timestamp\" must be a number");
		}
		if (fields.interval != null && !isMillis(fields.interval, 1)) {
			return new Unusable(INVALID_FIELD, "\"interval\" must be a whole number of milliseconds from 1 to " + MAX_DURATION_MILLIS);
		}
		if (fields.rtt != null && !isMillis(fields.rtt, 0)) {
			return new Unusable(INVALID_FIELD, "\"rtt\" must be a whole number of milliseconds from 0 to " + MAX_DURATION_MILLIS);
		}
		return new Heartbeat((timestamp != null) ? timestamp.text() : null, toDuration(fields.interval),
				toDuration(fields.rtt));
	}

	private InboundMessage message(Fields fields) {
		Value text = fields.text;
		if (text == null || text.token() != JsonToken.VALUE_STRING) {
			return new Unusable(INVALID_FIELD, "\"text\" must be a string");
		}
		// JSON may spell half of a surrogate pair on its own ("\uD800"); such a string has no UTF-8
		// form, and echoing it would fail in the container's encoder and end the session with 1011.
		if (hasUnpairedSurrogate(text.text())) {
			return new Unusable(INVALID_FIELD, "\"text\" must be valid Unicode: it has an unpaired surrogate");
		}
		return new Message(text.text());
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

	// The fault's name is not judged here: which faults exist is the demo's business.
	private InboundMessage simulate(Fields fields) {
		Value fault = fields.fault;
		if (fault == null || fault.token() != JsonToken.VALUE_STRING) {
			return new Unusable(INVALID_FIELD, "\"fault\" must be a string");
		}
		if (fields.delay != null && !isMillis(fields.delay, 0)) {
			return new Unusable(INVALID_FIELD, "\"delay\" must be a whole number of milliseconds from 0 to " + MAX_DURATION_MILLIS);
		}
		return new Simulate(fault.text(), toDuration(fields.delay));
	}

	private static boolean isMillis(Value value, long min) {
		return value.whole() != null && value.whole() >= min && value.whole() <= MAX_DURATION_MILLIS;
	}

	private static Duration toDuration(Value millis) {
		return (millis != null) ? Duration.ofMillis(millis.whole()) : null;
	}

	/**
	 * One field's value as far as the protocol needs it.
	 * @param token what kind of JSON value it is
	 * @param text a string's content, a number as written; {@code null} for anything else
	 * @param whole a whole number that fits a {@code long}; {@code null} for anything else
	 */
	private record Value(JsonToken token, String text, Long whole) {

		/** The value the parser is at; an object or array is skipped, as no field of the protocol is one. */
		static Value read(JsonParser parser, JsonToken token) {
			if (token.isStructStart()) {
				parser.skipChildren();
				return new Value(token, null, null);
			}
			String text = (token == JsonToken.VALUE_STRING || token.isNumeric()) ? parser.getString() : null;
			Long whole = (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != NumberType.BIG_INTEGER)
					? parser.getLongValue() : null;
			return new Value(token, text, whole);
		}

	}

	/** The fields of the protocol a frame had; a field given twice keeps its last value. */
	private static final class Fields {

		static final Fields EMPTY = new Fields();

		static final Fields NOT_AN_OBJECT = new Fields();

		static final Fields NOT_ONE_VALUE = new Fields();

		Value type;

		Value timestamp;

		Value interval;

		Value rtt;

		Value text;

		Value fault;

		Value delay;

		/**
		 * Reads the whole frame.
		 * @return the fields of an object, or {@link #EMPTY}, {@link #NOT_AN_OBJECT} or, for a
		 * second value after the first, {@link #NOT_ONE_VALUE}
		 * @throws JacksonException if the frame is not JSON
		 */
		static Fields read(JsonParser parser) {
			JsonToken root = parser.nextToken();
			if (root == null) {
				return EMPTY;
			}
			Fields fields;
			if (root == JsonToken.START_OBJECT) {
				fields = readObject(parser);
			}
			else {
				parser.skipChildren();
				fields = NOT_AN_OBJECT;
			}
			return (parser.nextToken() == null) ? fields : NOT_ONE_VALUE;
		}

		private static Fields readObject(JsonParser parser) {
			Fields fields = new Fields();
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				Value value = Value.read(parser, parser.nextToken());
				switch (name) {
					case "type" -> fields.type = value;
					case "timestamp" -> fields.timestamp = value;
					case "interval" -> fields.interval = value;
					case "rtt" -> fields.rtt = value;
					case "text" -> fields.text = value;
					case "fault" -> fields.fault = value;
					case "delay" -> fields.delay = value;
					default -> {
						// not part of protocol v1: ignored, so that newer clients can add fields
					}
				}
			}
			return fields;
		}

	}

}

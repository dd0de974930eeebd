package io.wsheartbeat.heartbeat.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the server sends, as records that serialize to the frames of protocol v1. Each leads with
 * its {@code type}, as a person reading frames in the browser's network panel expects.
 */
public sealed interface OutboundMessage {

	@JsonProperty("type")
	String type();

	/**
	 * This frame as the text sent to the client: Jackson writes it from the record. The ack, sent
	 * for every heartbeat of every session, writes itself, the same text without Jackson's cost
	 * per call (OutboundMessageTests holds the two to the same text).
	 */
	default String toJson(JsonMapper jsonMapper) {
		return jsonMapper.writeValueAsString(this);
	}

	/**
	 * The first frame of every session: its id and the timings the client must adopt.
	 * @param node in a cluster, the id of the node the client is connected to; absent from the
	 * frame on a server of its own
	 */
	@JsonPropertyOrder({ "type", "sessionId" })
	record Welcome(String sessionId, long interval, long ackTimeout, long serverTimeout, long slowRtt,
			long slowInterval, long maxInterval,
			@JsonInclude(JsonInclude.Include.NON_NULL) String node) implements OutboundMessage {

		@Override
		public String type() {
			return "welcome";
		}

		/**
		 * The welcome of every session on this server, written by Jackson once: only the session
		 * id differs from one session to the next, so each session's frame is the same text with
		 * its id put in, not a serialisation pass per handshake.
		 * @param jsonMapper the mapper whose text the frame must be
		 * @return the frame for a session id
		 */
		public Frame frame(JsonMapper jsonMapper) {
			return new Frame(this, jsonMapper);
		}

		/** A {@link Welcome} whose text is written once, with a place for the session id. */
		public static final class Frame {

			// Not a character an id of ours has, nor one Jackson escapes: where the id goes.
			private static final String PLACE = "~";

			private final Welcome template;

			private final JsonMapper jsonMapper;

			private final String beforeId;

			private final String afterId;

			private Frame(Welcome template, JsonMapper jsonMapper) {
				this.template = template;
				this.jsonMapper = jsonMapper;
				String text = jsonMapper.writeValueAsString(template.withSessionId(PLACE));
				int at = text.indexOf("\"" + PLACE + "\"") + 1;
				this.beforeId = text.substring(0, at);
				this.afterId = text.substring(at + PLACE.length());
			}

			/**
			 * The welcome for one session. Its id is written as is where it needs no escaping in
			 * JSON (Spring's ids are UUIDs); any other goes through Jackson.
			 */
			public String forSession(String sessionId) {
				if (!isPlain(sessionId)) {
					return this.jsonMapper.writeValueAsString(this.template.withSessionId(sessionId));
				}
				return new StringBuilder(this.beforeId.length() + sessionId.length() + this.afterId.length())
					.append(this.beforeId)
					.append(sessionId)
					.append(this.afterId)
					.toString();
			}

			private static boolean isPlain(String sessionId) {
				for (int i = 0; i < sessionId.length(); i++) {
					char c = sessionId.charAt(i);
					if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
						return false;
					}
				}
				return true;
			}

		}

		Welcome withSessionId(String id) {
			return new Welcome(id, this.interval, this.ackTimeout, this.serverTimeout, this.slowRtt, this.slowInterval,
					this.maxInterval, this.node);
		}
	}

	/**
	 * The answer to a heartbeat.
	 * @param timestamp the client's timestamp exactly as it wrote it (a JSON number, which the
	 * decoder has checked), so it can tell the round trip; {@code null} if it sent none
	 * @param serverTime the server's wall clock, epoch milliseconds
	 */
	@JsonPropertyOrder({ "type", "timestamp" })
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record HeartbeatAck(@JsonRawValue String timestamp, long serverTime) implements OutboundMessage {

		@Override
		public String type() {
			return "heartbeat_ack";
		}

		@Override
		public String toJson(JsonMapper jsonMapper) {
			StringBuilder json = new StringBuilder(80).append("{\"type\":\"heartbeat_ack\"");
			if (this.timestamp != null) {
				json.append(",\"timestamp\":").append(this.timestamp);
			}
			return json.append(",\"serverTime\":").append(this.serverTime).append('}').toString();
		}
	}

	/** The answer to an ordinary message. */
	@JsonPropertyOrder({ "type", "text" })
	record Echo(String text, long serverTime) implements OutboundMessage {

		@Override
		public String type() {
			return "echo";
		}
	}

	/**
	 * The confirmation of a simulated fault, so the client's log can say what the server now does.
	 * @param fault the fault now in force ({@code none} for normal service)
	 * @param delay the ack delay in ms, for {@code delay-acks}
	 */
	@JsonPropertyOrder({ "type", "fault" })
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Simulated(String fault, Long delay) implements OutboundMessage {

		@Override
		public String type() {
			return "simulated";
		}
	}

	/** The answer to input the server could not use; the session stays open. */
	@JsonPropertyOrder({ "type", "code" })
	record ErrorReply(String code, String message) implements OutboundMessage {

		/** The code for a {@code simulate} that this server does not carry out. */
		public static final String FAULTS_DISABLED = "faults-disabled";

		@Override
		public String type() {
			return "error";
		}
	}

}

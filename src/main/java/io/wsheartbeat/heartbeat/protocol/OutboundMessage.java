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

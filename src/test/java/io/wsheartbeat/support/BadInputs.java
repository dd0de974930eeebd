package io.wsheartbeat.support;

import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.engine.SourceOfRandomness;

import io.wsheartbeat.heartbeat.protocol.InboundDecoder;
import io.wsheartbeat.heartbeat.protocol.OutboundMessage.ErrorReply;

/**
 * What a hostile or broken client might put in a text frame, as jqwik arbitraries: the decoder's
 * properties draw from them, and the integration tests draw from the same ones with a fixed seed,
 * so the frames sent over a real connection are the ones the unit properties cover.
 */
public final class BadInputs {

	/** Every {@code error} code protocol v1 documents. */
	public static final List<String> ERROR_CODES = List.of(InboundDecoder.INVALID_JSON, InboundDecoder.NOT_AN_OBJECT,
			InboundDecoder.MISSING_TYPE, InboundDecoder.UNKNOWN_TYPE, InboundDecoder.INVALID_FIELD,
			ErrorReply.FAULTS_DISABLED);

	private static final List<String> FIELDS = List.of("type", "timestamp", "interval", "rtt", "text");

	private BadInputs() {
	}

	/** Any of the kinds below, about equally often. */
	public static Arbitrary<String> frames() {
		return Arbitraries.oneOf(anyStrings(), unicodeEdges(), wrongTypes(), numbersOutOfRange(), deepJson(),
				almostJson(), validHeartbeats(), messagesWithAnyText());
	}

	/** Strings from the whole of Unicode, control characters and unpaired surrogates included. */
	public static Arbitrary<String> anyStrings() {
		return Arbitraries.strings().all().ofMaxLength(200);
	}

	/** JSON that is well formed but carries awkward characters where text is allowed. */
	public static Arbitrary<String> unicodeEdges() {
		Arbitrary<String> awkward = Arbitraries.of("\u0000", "\uFEFF", "\u202E", "\uD83D\uDC93", "\uD800", "\uDFFF",
				"\u00E9", "e\u0301", "\uFFFF", "\\u0000", "\\uD800", "\\\"", "\u2028", "\n\t\r", "\u10FFFF", "\u0085");
		Arbitrary<String> text = awkward.list().ofMaxSize(20).map((parts) -> String.join("", parts));
		return Combinators.combine(text, Arbitraries.of("type", "text", "timestamp"))
			.as((value, field) -> switch (field) {
				case "type" -> "{\"type\":\"" + escapeQuotes(value) + "\"}";
				case "text" -> "{\"type\":\"message\",\"text\":\"" + escapeQuotes(value) + "\"}";
				default -> "{\"" + escapeQuotes(value) + "\":1,\"type\":\"heartbeat\"}";
			});
	}

	/** Each field of the protocol with a value of every JSON type but its own. */
	public static Arbitrary<String> wrongTypes() {
		Arbitrary<String> value = Arbitraries.of("null", "true", "false", "\"10\"", "\"\"", "[]", "[1]", "{}",
				"{\"a\":1}", "1.5", "-1", "0", "\"heartbeat\"");
		return Combinators.combine(Arbitraries.of("heartbeat", "message"), Arbitraries.of(FIELDS), value)
			.as((type, field, v) -> field.equals("type") ? "{\"type\":" + v + "}"
					: "{\"type\":\"" + type + "\",\"" + field + "\":" + v + "}");
	}

	/** Numbers past what a long, a double or a sane duration holds, in every numeric field. */
	public static Arbitrary<String> numbersOutOfRange() {
		Arbitrary<String> number = Arbitraries.oneOf(
				Arbitraries.of("1e400", "-1e400", "1e-400", "9223372036854775808", "-9223372036854775809",
						"18446744073709551616", "86400001", "-0", "0.0", "1E2", "4.9e-324", "1.7976931348623157e308",
						"123456789012345678901234567890123456789"),
				Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(18).negate(), java.math.BigInteger.TEN.pow(30)).map(String::valueOf),
				Arbitraries.doubles().map(String::valueOf).filter((d) -> !d.contains("N") && !d.contains("I")),
				Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1500));
		return Combinators.combine(Arbitraries.of("timestamp", "interval", "rtt"), number)
			.as((field, n) -> "{\"type\":\"heartbeat\",\"" + field + "\":" + n + "}");
	}

	/** Arrays and objects nested far deeper than any frame of the protocol. */
	public static Arbitrary<String> deepJson() {
		return Combinators.combine(Arbitraries.integers().between(1, 3000), Arbitraries.of("[", "{\"a\":"), Arbitraries.of(true, false))
			.as((depth, open, closed) -> {
				String close = open.equals("[") ? "]" : "}";
				String body = open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
				return open.equals("[") ? body : "{\"type\":\"heartbeat\",\"timestamp\":" + body + "}";
			});
	}

	/** Near misses of JSON: truncated, trailing garbage, duplicate keys, comments, single quotes. */
	public static Arbitrary<String> almostJson() {
		return Arbitraries.of("", " ", "{", "}", "{\"type\":\"heartbeat\"", "{\"type\":\"heartbeat\"}}",
				"{\"type\":\"heartbeat\"} {\"type\":\"heartbeat\"}", "{\"type\":\"heartbeat\",\"type\":\"message\"}",
				"{'type':'heartbeat'}", "{type:heartbeat}", "/* */{\"type\":\"heartbeat\"}", "{\"type\":\"heartbeat\",}",
				"[{\"type\":\"heartbeat\"}]", "\"heartbeat\"", "null", "NaN", "{\"type\":\"heartbeat\",\"timestamp\":NaN}",
				"{\"type\":\"heartbeat\",\"timestamp\":Infinity}", "{\"type\":\"heartbeat\",\"timestamp\":0x10}",
				"{\"type\":\"HEARTBEAT\"}", "{\"type\":\" heartbeat\"}", "{\"Type\":\"heartbeat\"}", "\uFEFF{\"type\":\"heartbeat\"}");
	}

	/** Heartbeats a correct client could send, with any values in range. */
	public static Arbitrary<String> validHeartbeats() {
		return Combinators.combine(Arbitraries.longs(), Arbitraries.longs().between(1, 86_400_000),
				Arbitraries.longs().between(0, 86_400_000))
			.as((timestamp, interval, rtt) -> "{\"type\":\"heartbeat\",\"timestamp\":" + timestamp + ",\"interval\":"
					+ interval + ",\"rtt\":" + rtt + "}");
	}

	/** Messages whose text is anything at all, escaped as JSON requires. */
	public static Arbitrary<String> messagesWithAnyText() {
		return Arbitraries.strings().all().ofMaxLength(300).map((text) -> "{\"type\":\"message\",\"text\":\"" + jsonEscape(text) + "\"}");
	}

	/** A fixed-seed sample of {@code arbitrary}: the same frames on every run. */
	public static List<String> sample(Arbitrary<String> arbitrary, int count, long seed) {
		// Outside a property jqwik draws from the thread's source of randomness: seed it. (The
		// engine's class, not the API's: the API has no seeded sampling.)
		SourceOfRandomness.create(String.valueOf(seed));
		return arbitrary.sampleStream().limit(count).collect(Collectors.toList());
	}

	public static String jsonEscape(String text) {
		StringBuilder escaped = new StringBuilder(text.length() + 16);
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				escaped.append('\\').append(c);
			}
			else if (c < 0x20) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static String escapeQuotes(String text) {
		return text.replace("\"", "\\\"");
	}

}

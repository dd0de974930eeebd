package io.wsheartbeat.presence;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Presence as JSON, read-only: the keys a page at a time with the counts per state, one key with
 * its sessions, and a stream of transitions. All answer 403 unless
 * {@code heartbeat.presence.enabled}.
 */
@RestController
class PresenceApiController {

	// Who is online is personal data: off, it answers none.
	private static final ResponseEntity<?> PRESENCE_OFF = ResponseEntity.status(HttpStatus.FORBIDDEN)
		.contentType(MediaType.APPLICATION_JSON)
		.body(Map.of("error", "presence is off (heartbeat.presence.enabled=false)"));

	static final int DEFAULT_LIMIT = 1000;

	static final int MAX_LIMIT = 10_000;

	private final PresenceBook book;

	private final PresenceStream stream;

	PresenceApiController(ObjectProvider<PresenceBook> book, ObjectProvider<PresenceStream> stream) {
		this.book = book.getIfAvailable();
		this.stream = stream.getIfAvailable();
	}

	/**
	 * A page of the keys in key order, with how many are in each state in all; {@code next} is
	 * the {@code after} of the next page, {@code null} after the last.
	 */
	@GetMapping("/api/presence")
	ResponseEntity<?> presence(@RequestParam(required = false) String after,
			@RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
		if (this.book == null) {
			return PRESENCE_OFF;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			return ResponseEntity.badRequest()
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("error", "limit must be between 1 and " + MAX_LIMIT));
		}
		return ResponseEntity.ok(this.book.page(after, limit));
	}

	/** One key: its state, since when and why, and its sessions with their nodes. */
	@GetMapping("/api/presence/{key}")
	ResponseEntity<?> key(@PathVariable String key) {
		if (this.book == null) {
			return PRESENCE_OFF;
		}
		return ResponseEntity.ok(this.book.find(key).orElseGet(() -> KeyPresence.unknown(key)));
	}

	/** The book cannot be read (a cluster's, Redis out of reach): no answer rather than a wrong one. */
	@ExceptionHandler(PresenceUnavailableException.class)
	ResponseEntity<?> unavailable(PresenceUnavailableException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("error", ex.getMessage()));
	}

	/** Server-sent events: a {@code page}, then every {@code transition}, and a {@code gap} when some were lost. */
	@GetMapping(path = "/api/presence/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<?> stream() {
		if (this.stream == null) {
			return PRESENCE_OFF;
		}
		SseEmitter emitter = this.stream.watch();
		return (emitter != null) ? ResponseEntity.ok(emitter)
				: ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
	}

}

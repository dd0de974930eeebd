package io.wsheartbeat.web;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.SessionSnapshot;

/**
 * The registry as JSON, read-only: the open sessions, and a live stream of the sessions view.
 */
@RestController
class SessionsApiController {

	private final SessionRegistry registry;

	private final SessionsStream stream;

	SessionsApiController(SessionRegistry registry, SessionsStream stream) {
		this.registry = registry;
		this.stream = stream;
	}

	@GetMapping("/api/sessions")
	List<SessionSnapshot> sessions() {
		return this.registry.snapshot();
	}

	/**
	 * The open sessions and the recently closed ones, pushed as server-sent events named
	 * {@code sessions} every {@code heartbeat.view.refresh}.
	 */
	@GetMapping(path = "/api/sessions/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<SseEmitter> stream() {
		SseEmitter emitter = this.stream.watch();
		return (emitter != null) ? ResponseEntity.ok(emitter)
				: ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
	}

}

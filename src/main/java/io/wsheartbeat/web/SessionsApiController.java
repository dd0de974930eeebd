package io.wsheartbeat.web;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.wsheartbeat.heartbeat.SessionRegistry;
import io.wsheartbeat.heartbeat.SessionSnapshot;

/**
 * The registry as JSON: every open session, read-only.
 */
@RestController
class SessionsApiController {

	private final SessionRegistry registry;

	SessionsApiController(SessionRegistry registry) {
		this.registry = registry;
	}

	@GetMapping("/api/sessions")
	List<SessionSnapshot> sessions() {
		return this.registry.snapshot();
	}

}

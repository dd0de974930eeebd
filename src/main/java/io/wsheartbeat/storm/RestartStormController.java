package io.wsheartbeat.storm;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.wsheartbeat.heartbeat.HeartbeatProperties;

/**
 * {@code POST /api/demo/restart-storm?clients=500&backoff=full-jitter|fixed}: runs a restart storm
 * and answers its plot data. Refused with 403 unless {@code heartbeat.demo.faults-enabled}.
 */
@RestController
class RestartStormController {

	private final RestartStorm storm;

	private final HeartbeatProperties properties;

	RestartStormController(RestartStorm storm, HeartbeatProperties properties) {
		this.storm = storm;
		this.properties = properties;
	}

	@PostMapping("/api/demo/restart-storm")
	ResponseEntity<?> run(@RequestParam(defaultValue = "500") int clients,
			@RequestParam(defaultValue = "full-jitter") String backoff) {
		if (!this.properties.demo().faultsEnabled()) {
			return problem(HttpStatus.FORBIDDEN, "the demo's faults are off (heartbeat.demo.faults-enabled)");
		}
		RestartStorm.Backoff rule = switch (backoff) {
			case "full-jitter" -> RestartStorm.Backoff.FULL_JITTER;
			case "fixed" -> RestartStorm.Backoff.FIXED;
			default -> null;
		};
		if (rule == null) {
			return problem(HttpStatus.BAD_REQUEST, "backoff must be full-jitter or fixed");
		}
		try {
			return this.storm.run(clients, rule)
				.<ResponseEntity<?>>map(ResponseEntity::ok)
				.orElseGet(() -> problem(HttpStatus.CONFLICT, "a restart storm is running already"));
		}
		catch (IllegalArgumentException ex) {
			return problem(HttpStatus.BAD_REQUEST, ex.getMessage());
		}
	}

	private static ResponseEntity<Map<String, String>> problem(HttpStatus status, String message) {
		return ResponseEntity.status(status).body(Map.of("error", message));
	}

}

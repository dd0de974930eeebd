package io.wsheartbeat.demo;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/demo/restart-storm?clients=500&backoff=full-jitter|paced-drain|fixed}: runs a restart storm
 * and answers its plot data. Only with {@code heartbeat.demo.faults-enabled} (the demo profile):
 * without it the path does not exist, and a POST to it gets a 4xx.
 */
@RestController
@ConditionalOnBooleanProperty("heartbeat.demo.faults-enabled")
class RestartStormController {

	private final RestartStorm storm;

	RestartStormController(RestartStorm storm) {
		this.storm = storm;
	}

	@PostMapping("/api/demo/restart-storm")
	ResponseEntity<?> run(@RequestParam(defaultValue = "500") int clients,
			@RequestParam(defaultValue = "full-jitter") String backoff) {
		RestartStorm.Backoff rule = switch (backoff) {
			case "full-jitter" -> RestartStorm.Backoff.FULL_JITTER;
			case "fixed" -> RestartStorm.Backoff.FIXED;
			case "paced-drain" -> RestartStorm.Backoff.PACED_DRAIN;
			default -> null;
		};
		if (rule == null) {
			return problem(HttpStatus.BAD_REQUEST, "backoff must be full-jitter, paced-drain or fixed");
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

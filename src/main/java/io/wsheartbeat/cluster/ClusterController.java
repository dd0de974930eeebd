package io.wsheartbeat.cluster;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.wsheartbeat.sessions.ServerView;

/**
 * {@code GET /api/cluster}: the nodes as this node sees them (id, address, sessions, when each
 * lease runs out) and whether this node can reach Redis. Read from Redis at most once per renew
 * period, and not while this node cannot reach it. Like the sessions view, only with {@code heartbeat.view.enabled}: it
 * shows where every node can be reached.
 */
@RestController
@ConditionalOnBooleanProperty("heartbeat.cluster.enabled")
class ClusterController {

	private static final ResponseEntity<?> VIEW_OFF = ResponseEntity.status(HttpStatus.FORBIDDEN)
		.contentType(MediaType.APPLICATION_JSON)
		.body(Map.of("error", "the cluster view is off with the sessions view (heartbeat.view.enabled=false)"));

	private final ClusterSessions nodes;

	private final ServerView view;

	ClusterController(ClusterSessions nodes, ServerView view) {
		this.nodes = nodes;
		this.view = view;
	}

	@GetMapping("/api/cluster")
	ResponseEntity<?> cluster() {
		if (!this.view.isEnabled()) {
			return VIEW_OFF;
		}
		return ResponseEntity.ok(this.nodes.summary());
	}

}

package io.wsheartbeat.sessions;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;


/**
 * The server's view as JSON, read-only: the open sessions, and a live stream of the sessions view.
 * Both answer 403 unless {@code heartbeat.view.enabled}.
 */
@RestController
class SessionsApiController {

	// Every client's address is in the view: off, it answers no session data at all.
	private static final ResponseEntity<?> VIEW_OFF = ResponseEntity.status(HttpStatus.FORBIDDEN)
		.contentType(MediaType.APPLICATION_JSON)
		.body(Map.of("error", "the sessions view is off (heartbeat.view.enabled=false)"));

	static final String CLUSTER_VIEW = "Cluster-View";

	private final ServerView view;

	private final SessionsStream stream;

	private final boolean clustered;

	SessionsApiController(ServerView view, SessionsStream stream, ObjectProvider<OtherNodes> otherNodes) {
		this.view = view;
		this.stream = stream;
		this.clustered = otherNodes.getIfAvailable() != null;
	}

	/**
	 * Every open session. In cluster mode every node's, each naming its node, and a
	 * {@value #CLUSTER_VIEW} header that says whether the other nodes' sessions are in it: while
	 * this node cannot reach Redis they are not, and the answer holds this node's own only.
	 */
	@GetMapping("/api/sessions")
	ResponseEntity<?> sessions() {
		if (!this.view.isEnabled()) {
			return VIEW_OFF;
		}
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
		if (this.clustered) {
			answer.header(CLUSTER_VIEW, this.view.isWhole() ? "complete" : "unavailable");
		}
		return answer.body(this.view.open());
	}

	/**
	 * The open sessions and the recently closed ones, pushed as server-sent events named
	 * {@code sessions} every {@code heartbeat.view.refresh}.
	 */
	@GetMapping(path = "/api/sessions/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<?> stream() {
		if (!this.view.isEnabled()) {
			return VIEW_OFF;
		}
		SseEmitter emitter = this.stream.watch();
		return (emitter != null) ? ResponseEntity.ok(emitter)
				: ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
	}

}

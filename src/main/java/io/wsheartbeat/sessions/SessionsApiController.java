package io.wsheartbeat.sessions;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.UriComponentsBuilder;


/**
 * The server's view as JSON, read-only: the open sessions a page at a time, and a live stream of
 * the sessions view.
 * Both answer 403 unless {@code heartbeat.view.enabled}.
 */
@RestController
class SessionsApiController {

	// Every client's address is in the view: off, it answers no session data at all.
	private static final ResponseEntity<?> VIEW_OFF = ResponseEntity.status(HttpStatus.FORBIDDEN)
		.contentType(MediaType.APPLICATION_JSON)
		.body(Map.of("error", "the sessions view is off (heartbeat.view.enabled=false)"));

	static final String CLUSTER_VIEW = "Cluster-View";

	static final String MISSING = "Cluster-Missing";

	static final String TOTAL = "Sessions-Total";

	static final int DEFAULT_LIMIT = 1000;

	// The page's panel shows this many open rows.
	static final int DEFAULT_STREAM_LIMIT = 100;

	static final int MAX_LIMIT = 10_000;

	private final ServerView view;

	private final SessionsStream stream;

	private final boolean clustered;

	SessionsApiController(ServerView view, SessionsStream stream, ObjectProvider<OtherNodes> otherNodes) {
		this.view = view;
		this.stream = stream;
		this.clustered = otherNodes.getIfAvailable() != null;
	}

	/**
	 * One page of the open sessions, as a JSON array, oldest first within each node; in cluster
	 * mode node by node, each naming its node. The headers say the rest: {@value #TOTAL} how many
	 * are open in all, {@code Link} with {@code rel="next"} where the next page starts, and in
	 * cluster mode {@value #CLUSTER_VIEW}: {@code complete}, {@code partial} (the nodes that could
	 * not be read are in {@value #MISSING}), or {@code unavailable} while this node cannot reach
	 * Redis, when the answer holds this node's own sessions only.
	 */
	@GetMapping("/api/sessions")
	ResponseEntity<?> sessions(@RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
		if (!this.view.isEnabled()) {
			return VIEW_OFF;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			return badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		SessionsPage page;
		try {
			page = this.view.page(cursor, limit);
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
		ResponseEntity.BodyBuilder answer = ResponseEntity.ok().header(TOTAL, String.valueOf(page.total()));
		if (page.next() != null) {
			String next = UriComponentsBuilder.fromPath("/api/sessions")
				.queryParam("limit", limit)
				.queryParam("cursor", page.next())
				.build()
				.toUriString();
			answer.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
		}
		if (this.clustered) {
			answer.header(CLUSTER_VIEW, !this.view.isWhole() ? "unavailable" : page.missing().isEmpty() ? "complete" : "partial");
			if (!page.missing().isEmpty()) {
				answer.header(MISSING, String.join(", ", page.missing()));
			}
		}
		return answer.body(page.sessions());
	}

	/**
	 * A page of the open sessions ({@code cursor} and {@code limit} as for {@code /api/sessions})
	 * with how many are open in all, and the recently closed ones, pushed as server-sent events
	 * named {@code sessions} every {@code heartbeat.view.refresh}.
	 */
	@GetMapping(path = "/api/sessions/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<?> stream(@RequestParam(required = false) String cursor,
			@RequestParam(defaultValue = "" + DEFAULT_STREAM_LIMIT) int limit) {
		if (!this.view.isEnabled()) {
			return VIEW_OFF;
		}
		if (limit < 1 || limit > MAX_LIMIT) {
			return badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		try {
			this.view.page(cursor, 1);
		}
		catch (IllegalArgumentException ex) {
			return badRequest(ex.getMessage());
		}
		SseEmitter emitter = this.stream.watch(cursor, limit);
		return (emitter != null) ? ResponseEntity.ok(emitter)
				: ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build();
	}

	private static ResponseEntity<?> badRequest(String why) {
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("error", why));
	}

}

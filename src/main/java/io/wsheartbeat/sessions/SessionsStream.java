package io.wsheartbeat.sessions;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;


/**
 * Pushes the server's view to its watchers as server-sent events. One view per page watched, per
 * {@code heartbeat.view.refresh}, serves every watcher of that page, and nothing is read while
 * no one watches. It runs on its own thread: a watcher on a slow link may hold a write for a while,
 * and that must never delay the reaper on the scheduler.
 *
 * <p>A watcher is an HTTP response that never ends by itself, so Tomcat's graceful shutdown
 * would wait its full timeout (30 s) for any open page. This stops before the web server does
 * and ends every stream; the pages' EventSource reconnects once the server is back.
 */
@Component
class SessionsStream implements SmartLifecycle, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SessionsStream.class);

	// Each watcher is an open HTTP response; a bound keeps a crowd of tabs from pinning threads.
	static final int MAX_WATCHERS = 64;

	private static final long WATCH_TIMEOUT = Duration.ofMinutes(30).toMillis();

	private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

	/** A watcher, and the page it looks at. */
	private record Watcher(SseEmitter emitter, String cursor, int limit) {

		Page page() {
			return new Page(this.cursor, this.limit);
		}

	}

	private record Page(String cursor, int limit) {
	}

	private final ServerView view;

	private final JsonMapper jsonMapper;

	private volatile boolean running;

	// Only while the view is on: the product, by default, runs no thread for it.
	private final ScheduledExecutorService pusher;

	SessionsStream(ServerView view, JsonMapper jsonMapper, ViewProperties settings) {
		this.view = view;
		this.jsonMapper = jsonMapper;
		if (view.isEnabled()) {
			long period = settings.refresh().toMillis();
			this.pusher = Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("sessions-view-"));
			this.pusher.scheduleWithFixedDelay(this::push, period, period, TimeUnit.MILLISECONDS);
		}
		else {
			this.pusher = null;
		}
	}

	/**
	 * A new watcher, sent the current view at once.
	 * @return {@code null} if {@link #MAX_WATCHERS} watch already, the server is stopping, or the
	 * view is off
	 */
	SseEmitter watch(String cursor, int limit) {
		if (this.pusher == null || !this.running || this.watchers.size() >= MAX_WATCHERS) {
			return null;
		}
		SseEmitter emitter = new SseEmitter(WATCH_TIMEOUT);
		Watcher watcher = new Watcher(emitter, cursor, limit);
		emitter.onCompletion(() -> this.watchers.remove(watcher));
		emitter.onTimeout(() -> this.watchers.remove(watcher));
		emitter.onError((ex) -> this.watchers.remove(watcher));
		this.watchers.add(watcher);
		this.pusher.execute(() -> send(watcher, currentView(watcher.page())));
		return emitter;
	}

	private void push() {
		if (this.watchers.isEmpty()) {
			return;
		}
		try {
			// One view per page that someone looks at, whoever else looks at it too.
			Map<Page, String> views = new HashMap<>();
			for (Watcher watcher : this.watchers) {
				send(watcher, views.computeIfAbsent(watcher.page(), this::currentView));
			}
		}
		catch (RuntimeException ex) {
			// An exception escaping a scheduleWithFixedDelay task cancels it for good: every open
			// page would freeze. Skip this one push instead; the next may succeed.
			logger.warn("Could not push the sessions view to its watchers", ex);
		}
	}

	private String currentView(Page page) {
		return this.jsonMapper.writeValueAsString(this.view.view(page.cursor(), page.limit()));
	}

	private void send(Watcher watcher, String view) {
		try {
			watcher.emitter().send(SseEmitter.event().name("sessions").data(view, MediaType.APPLICATION_JSON));
		}
		catch (IOException | IllegalStateException ex) {
			// The watcher went away (a closed tab): part of normal workflow.
			this.watchers.remove(watcher);
			watcher.emitter().completeWithError(ex);
		}
	}

	/** Also after a {@link #stop()}: the test framework pauses and resumes cached contexts. */
	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (Watcher watcher : this.watchers) {
			this.watchers.remove(watcher);
			watcher.emitter().complete();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
	}

	@Override
	public void destroy() {
		if (this.pusher != null) {
			this.pusher.shutdownNow();
		}
		this.watchers.forEach((watcher) -> watcher.emitter().complete());
	}

}

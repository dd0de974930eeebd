package io.wsheartbeat.presence;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes the book's transitions to its watchers as server-sent events: first a {@code page}
 * (the first page of keys with the counts), then each {@code transition} as it happens. A watcher
 * skips the transitions whose sequence is not above what its page said of that key.
 *
 * <p>The book hands events on under its lock, so they are queued here and sent by one thread of
 * the stream's own; a watcher on a slow link delays the others' events, never a session's close.
 * The queue is bounded: when a storm of transitions fills it, the events that did not fit are
 * dropped and each watcher gets a {@code gap} event, on which it reads the page again; so it does
 * when the book says it missed events ({@link PresenceEvents#gap()}).
 */
class PresenceStream implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PresenceStream.class);

	static final int MAX_WATCHERS = 64;

	static final int QUEUE = 10_000;

	static final int FIRST_PAGE = 100;

	private static final long WATCH_TIMEOUT = Duration.ofMinutes(30).toMillis();

	private final PresenceBook book;

	private final JsonMapper jsonMapper;

	private final List<SseEmitter> watchers = new CopyOnWriteArrayList<>();

	private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);

	private final ExecutorService pusher = Executors
		.newSingleThreadExecutor(new CustomizableThreadFactory("presence-stream-"));

	private volatile boolean running;

	private volatile boolean overflowed;

	private enum Gap {

		GAP

	}

	/** What the pusher sends to one new watcher: its first page. */
	private record Joined(SseEmitter emitter) {
	}

	PresenceStream(PresenceBook book, PresenceEvents events, JsonMapper jsonMapper) {
		this.book = book;
		this.jsonMapper = jsonMapper;
		events.listen(this::queue);
		events.onGap(this::gap);
		this.pusher.execute(this::push);
	}

	private void queue(PresenceEvent event) {
		if (this.watchers.isEmpty()) {
			return;
		}
		if (!this.queue.offer(event)) {
			this.overflowed = true;
		}
	}

	private void gap() {
		this.overflowed = true;
		// Wakes the pusher, which sends the gap first; lost in a full queue, the next event does.
		this.queue.offer(Gap.GAP);
	}

	/** A new watcher, or {@code null} while {@link #MAX_WATCHERS} watch or the server is stopping. */
	SseEmitter watch() {
		if (!this.running || this.watchers.size() >= MAX_WATCHERS) {
			return null;
		}
		SseEmitter emitter = new SseEmitter(WATCH_TIMEOUT);
		emitter.onCompletion(() -> this.watchers.remove(emitter));
		emitter.onTimeout(() -> this.watchers.remove(emitter));
		emitter.onError((ex) -> this.watchers.remove(emitter));
		this.watchers.add(emitter);
		// Behind the events queued before it: the page is read after them, so none is missed.
		if (!this.queue.offer(new Joined(emitter))) {
			this.watchers.remove(emitter);
			return null;
		}
		return emitter;
	}

	private void push() {
		List<Object> batch = new ArrayList<>();
		while (!Thread.currentThread().isInterrupted()) {
			try {
				batch.add(this.queue.take());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.queue.drainTo(batch);
			try {
				send(batch);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not push presence transitions to their watchers", ex);
			}
			batch.clear();
		}
	}

	private void send(List<Object> batch) {
		if (this.overflowed) {
			this.overflowed = false;
			for (SseEmitter watcher : this.watchers) {
				send(watcher, SseEmitter.event().name("gap").data("{}", MediaType.APPLICATION_JSON));
			}
		}
		for (Object item : batch) {
			if (item instanceof Joined joined) {
				String page = this.jsonMapper.writeValueAsString(this.book.page(null, FIRST_PAGE));
				send(joined.emitter(), SseEmitter.event().name("page").data(page, MediaType.APPLICATION_JSON));
			}
			else if (item instanceof PresenceEvent) {
				String event = this.jsonMapper.writeValueAsString(item);
				for (SseEmitter watcher : this.watchers) {
					send(watcher, SseEmitter.event().name("transition").data(event, MediaType.APPLICATION_JSON));
				}
			}
		}
	}

	private void send(SseEmitter watcher, SseEmitter.SseEventBuilder event) {
		try {
			watcher.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			// The watcher went away (a closed tab): part of normal workflow.
			this.watchers.remove(watcher);
			watcher.completeWithError(ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Before the web server stops: an open stream would hold its graceful shutdown to the timeout. */
	@Override
	public void stop() {
		this.running = false;
		for (SseEmitter watcher : this.watchers) {
			this.watchers.remove(watcher);
			watcher.complete();
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

	void destroy() throws InterruptedException {
		this.pusher.shutdownNow();
		this.pusher.awaitTermination(5, TimeUnit.SECONDS);
	}

}

package io.wsheartbeat.presence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The transitions of a book, handed to whoever listens as the book makes them. A listener is
 * called on the thread that made the transition, under the book's order: it must only hand the
 * event on (the stream queues it).
 */
public class PresenceEvents {

	private final List<Consumer<PresenceEvent>> listeners = new CopyOnWriteArrayList<>();

	private final List<Runnable> gapListeners = new CopyOnWriteArrayList<>();

	public void listen(Consumer<PresenceEvent> listener) {
		this.listeners.add(listener);
	}

	/** Called when events were missed: whoever shows presence must read the book again. */
	public void onGap(Runnable listener) {
		this.gapListeners.add(listener);
	}

	/** Some events will never be published (a node fell behind the events Redis keeps). */
	public void gap() {
		this.gapListeners.forEach(Runnable::run);
	}

	public void publish(PresenceEvent event) {
		for (Consumer<PresenceEvent> listener : this.listeners) {
			listener.accept(event);
		}
	}

}

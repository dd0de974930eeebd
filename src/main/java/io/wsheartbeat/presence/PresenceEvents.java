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

	public void listen(Consumer<PresenceEvent> listener) {
		this.listeners.add(listener);
	}

	public void publish(PresenceEvent event) {
		for (Consumer<PresenceEvent> listener : this.listeners) {
			listener.accept(event);
		}
	}

}

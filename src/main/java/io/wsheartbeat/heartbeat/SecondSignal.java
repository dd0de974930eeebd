package io.wsheartbeat.heartbeat;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A second SIGTERM (or Ctrl-C) while a drain runs: the operator, or the supervisor, wants the
 * process gone now. The JVM ignores a second signal once its shutdown hooks run (the thread that
 * handles it blocks until they are done), so during a drain this takes the signals over, and
 * gives them back when the drain ends. {@code sun.misc.Signal} is the JDK's only way to hear
 * them; it is in the {@code jdk.unsupported} module, which every JDK since 9 ships, and where a
 * platform refuses a signal the drain still ends by its deadline.
 */
final class SecondSignal implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SecondSignal.class);

	private static final List<String> SIGNALS = List.of("TERM", "INT");

	private final List<Signal> taken = new ArrayList<>();

	private final List<SignalHandler> previous = new ArrayList<>();

	private SecondSignal() {
	}

	/** Runs {@code action} on SIGTERM or SIGINT until {@link #close()}. */
	static SecondSignal onSignal(Runnable action) {
		SecondSignal second = new SecondSignal();
		for (String name : SIGNALS) {
			try {
				Signal signal = new Signal(name);
				SignalHandler before = Signal.handle(signal, (received) -> {
					logger.info("SIG{} during the drain: closing the remaining sessions now", received.getName());
					action.run();
				});
				second.taken.add(signal);
				second.previous.add(before);
			}
			catch (IllegalArgumentException | UnsupportedOperationException ex) {
				logger.debug("Cannot take SIG{} during the drain: {}", name, ex.toString());
			}
		}
		return second;
	}

	@Override
	public void close() {
		for (int i = 0; i < this.taken.size(); i++) {
			try {
				Signal.handle(this.taken.get(i), this.previous.get(i));
			}
			catch (IllegalArgumentException ex) {
				logger.debug("Cannot give SIG{} back: {}", this.taken.get(i).getName(), ex.toString());
			}
		}
	}

}

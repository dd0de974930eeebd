package io.wsheartbeat.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Stops this node the way a crash does, for the demo's "Stop this node": the JVM halts, so no
 * shutdown hook runs. Its clients get no close frame (their connections just end, 1006, and they
 * reconnect to another node), and it does not leave the cluster: the other nodes learn of it as
 * they would of a crash, when its lease runs out, and drop its sessions as lost. A stop by
 * SIGTERM, or {@code ClusterMembership}'s own stop, would close every session with 1001 and
 * leave the cluster at once, which is not what the demo sets out to show.
 */
final class NodeStop {

	/**
	 * From the request to the halt: the confirmation goes out as the request returns, and must
	 * leave this process before it is gone.
	 */
	static final Duration HALT_DELAY = Duration.ofMillis(200);

	/** What a supervisor sees: a process that failed, as a crashed one would have. */
	static final int EXIT_STATUS = 1;

	/** What src/cluster/run reads in a node's log to start it again at once. */
	static final String RESTART_MARK = "restarting gracefully, as the page asked";

	private final AtomicBoolean stopping = new AtomicBoolean();

	/**
	 * Exits {@link #HALT_DELAY} from now, as SIGTERM would have it: the JVM's shutdown hooks run,
	 * and with them the context's close (readiness, the drain, leaving the cluster). On a thread
	 * of its own, which System.exit holds until the hooks are done.
	 * @return false if a stop is under way already
	 */
	boolean exitGracefullySoon() {
		if (!this.stopping.compareAndSet(false, true)) {
			return false;
		}
		Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("node-restart-"))
			.schedule(() -> System.exit(0), HALT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
		return true;
	}

	/**
	 * Halts the process {@link #HALT_DELAY} from now, on a thread of its own made for it.
	 * @return false if a stop is under way already
	 */
	boolean haltSoon() {
		if (!this.stopping.compareAndSet(false, true)) {
			return false;
		}
		Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("node-stop-"))
			.schedule(() -> Runtime.getRuntime().halt(EXIT_STATUS), HALT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
		return true;
	}

}

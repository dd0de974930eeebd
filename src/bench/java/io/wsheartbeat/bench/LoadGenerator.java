package io.wsheartbeat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.wsheartbeat.bench.LoadOptions.Mode;

/**
 * A load generator that speaks protocol v1, for one process: all its connections on one
 * selector thread, so that the generator takes as little of the machine's two cores as it can.
 *
 * <p>Phases: open the connections at {@code openRate} per second (in {@code hold} each starts
 * beating at a random phase as soon as it is open), report {@code READY}; then, on {@code go},
 * the measured window ({@code hold}: keep beating for {@code durationSeconds}; {@code throughput}:
 * send, await the ack, send again; {@code silent}: one heartbeat each, then wait for the server to
 * close them); then wait for outstanding acks, report {@code HELD} and, on {@code close}, close
 * everything and print the {@code RESULT} line. In {@code restart} the opening is the measurement:
 * from the server's start each client connects at its turn, retries with the page's backoff until
 * it is welcomed, and beats; only the acks of the first {@code durationSeconds} count. Each wait is bounded, so a stuck server or a
 * missing controller ends the run rather than hanging it.
 */
public final class LoadGenerator implements WsConnection.Listener {

	private static final long HANDSHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(30);

	private static final long DRAIN_TIMEOUT = TimeUnit.SECONDS.toNanos(3);

	private static final long CONTROL_TIMEOUT = TimeUnit.SECONDS.toNanos(180);

	private final LoadOptions options;

	private final PrintStream out;

	private final GeneratorResult result = new GeneratorResult();

	private final List<WsConnection> connections = new ArrayList<>();

	private final List<WsConnection> handshaking = new ArrayList<>();

	private final PriorityQueue<WsConnection> beats = new PriorityQueue<>(
			(a, b) -> Long.compare(a.nextBeatNanos, b.nextBeatNanos));

	private final SplittableRandom random = new SplittableRandom();

	private final byte[] frame = new byte[128];

	private final long origin = System.nanoTime();

	private final Selector selector;

	private volatile boolean goSaid;

	private volatile boolean closeSaid;

	private boolean rampOver;

	private boolean windowOpen;

	private boolean windowOver;

	// restart: the server's start on this generator's clock, the end of the window whose acks
	// count, the retries due (client, attempt, when), and which clients were welcomed.
	private long originNanos;

	private long restartWindowEndNanos = Long.MAX_VALUE;

	private final PriorityQueue<long[]> retriesDue = new PriorityQueue<>((a, b) -> Long.compare(a[2], b[2]));

	private boolean[] welcomedClients;

	private int clientsWelcomed;

	LoadGenerator(LoadOptions options, PrintStream out) throws IOException {
		this.options = options;
		this.out = out;
		this.selector = Selector.open();
	}

	public static void main(String[] arguments) throws IOException {
		LoadOptions options = LoadOptions.parse(arguments);
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		LoadGenerator generator = new LoadGenerator(options, out);
		if (options.controlled()) {
			Thread control = new Thread(generator::readControl, "control");
			control.setDaemon(true);
			control.start();
		}
		GeneratorResult result = generator.run();
		out.println(result.toLine());
		out.flush();
		System.exit(0);
	}

	/** Runs every phase and returns what it saw. Not controlled: {@code go} and {@code close} are implied. */
	GeneratorResult run() throws IOException {
		if (!this.options.controlled()) {
			this.goSaid = true;
			this.closeSaid = true;
		}
		try {
			if (this.options.mode() == Mode.RESTART) {
				restart();
			}
			else {
				openAll();
			}
			this.rampOver = true;
			this.out.println("READY opened=" + this.result.opened + " failed=" + this.result.failed + " acks="
					+ this.result.acksReceived);
			awaitControl(() -> this.goSaid);
			measuredWindow();
			this.out.println("HELD opened=" + this.result.opened + " acks=" + this.result.acksReceived);
			awaitControl(() -> this.closeSaid);
		}
		finally {
			long now = System.nanoTime();
			for (WsConnection connection : this.connections) {
				if (connection.silentBeatNanos != 0 && !connection.closedByServer) {
					this.result.undetected++;
				}
				connection.close(now);
			}
			this.selector.close();
		}
		return this.result;
	}

	private void openAll() throws IOException {
		long start = System.nanoTime();
		long betweenOpens = TimeUnit.SECONDS.toNanos(1) / this.options.openRate();
		long deadline = start + betweenOpens * this.options.connections() + HANDSHAKE_TIMEOUT + TimeUnit.SECONDS.toNanos(5);
		int attempted = 0;
		while (true) {
			long now = System.nanoTime();
			while (attempted < this.options.connections() && start + attempted * betweenOpens <= now) {
				open(attempted++, now);
			}
			expireHandshakes(now);
			if (attempted == this.options.connections() && this.handshaking.isEmpty()) {
				return;
			}
			if (now >= deadline) {
				return;
			}
			long nextOpen = (attempted < this.options.connections()) ? start + attempted * betweenOpens : now + 50_000_000L;
			poll(Math.min(nextOpen, now + 50_000_000L));
		}
	}

	/**
	 * {@code restart}: client {@code i} connects at {@code origin + i / openRate}; a refused or
	 * failed connect, or a connection closed before its welcome, is retried after the page's
	 * backoff ({@link #backoffNanos}). Ends once the window is over and every client was welcomed,
	 * or {@code silentWaitSeconds} after the window.
	 */
	private void restart() throws IOException {
		int clients = this.options.connections();
		this.welcomedClients = new boolean[clients];
		long nowNanos = System.nanoTime();
		long origin = (this.options.originEpochMillis() > 0) ? this.options.originEpochMillis() : System.currentTimeMillis();
		this.originNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - origin);
		this.restartWindowEndNanos = this.originNanos + TimeUnit.SECONDS.toNanos(this.options.durationSeconds());
		long giveUp = this.restartWindowEndNanos + TimeUnit.SECONDS.toNanos(this.options.silentWaitSeconds());
		long betweenOpens = TimeUnit.SECONDS.toNanos(1) / this.options.openRate();
		int firstOpened = 0;
		while (true) {
			long now = System.nanoTime();
			while (firstOpened < clients && this.originNanos + firstOpened * betweenOpens <= now) {
				this.result.attempted++;
				open(firstOpened, 0, now);
				firstOpened++;
			}
			while (!this.retriesDue.isEmpty() && this.retriesDue.peek()[2] <= now) {
				long[] retry = this.retriesDue.poll();
				this.result.retries++;
				open((int) retry[0], (int) retry[1], now);
			}
			expireHandshakes(now);
			// Every client in; and where the server welcomes (ours), every welcome read too: the
			// last one may come a read after its 101.
			long welcomes = this.result.welcomeMicros.count();
			if (now >= this.restartWindowEndNanos && this.clientsWelcomed == clients
					&& (welcomes == 0 || welcomes == clients)) {
				return;
			}
			if (now >= giveUp) {
				return;
			}
			long next = now + 50_000_000L;
			if (firstOpened < clients) {
				next = Math.min(next, this.originNanos + firstOpened * betweenOpens);
			}
			if (!this.retriesDue.isEmpty()) {
				next = Math.min(next, this.retriesDue.peek()[2]);
			}
			poll((now < this.restartWindowEndNanos) ? Math.min(next, this.restartWindowEndNanos) : next);
		}
	}

	/**
	 * The page's reconnect delay before attempt {@code attempt} (0 for the first retry): full
	 * jitter, random(0, min(30 s, 1 s x 2^attempt)), as {@code ReconnectBackoff.fullJitter} with
	 * the defaults of {@code heartbeat.reconnect.*}.
	 */
	long backoffNanos(int attempt) {
		double capMillis = Math.min(30_000, 1_000 * Math.pow(2, attempt));
		return TimeUnit.MILLISECONDS.toNanos((long) (this.random.nextDouble() * capMillis));
	}

	/** {@code restart}: a connect of a client not yet in (upgraded) failed; it tries again after its backoff. */
	private boolean retried(WsConnection connection) {
		if (this.options.mode() != Mode.RESTART || connection.client < 0 || this.welcomedClients[connection.client]) {
			return false;
		}
		this.retriesDue.add(new long[] { connection.client, connection.attempt + 1,
				System.nanoTime() + backoffNanos(connection.attempt) });
		return true;
	}

	private void open(int index, long now) {
		this.result.attempted++;
		open(index, -1, now);
	}

	private void open(int index, int attempt, long now) {
		SocketChannel channel;
		try {
			channel = SocketChannel.open();
		}
		catch (IOException ex) {
			this.result.failed++;
			return;
		}
		WsConnection connection = new WsConnection(channel, now, this);
		if (attempt >= 0) {
			connection.client = index;
			connection.attempt = attempt;
		}
		this.connections.add(connection);
		this.handshaking.add(connection);
		try {
			channel.configureBlocking(false);
			List<String> sources = this.options.sourceAddresses();
			channel.bind(new InetSocketAddress(sources.get(index % sources.size()), 0));
			if (channel.connect(new InetSocketAddress(this.options.host(), this.options.port()))) {
				connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
				startHandshake(connection);
			}
			else {
				connection.key = channel.register(this.selector, SelectionKey.OP_CONNECT, connection);
			}
		}
		catch (IOException ex) {
			failed(connection, ex.toString());
		}
	}

	private void startHandshake(WsConnection connection) {
		connection.state = WsConnection.State.HANDSHAKING;
		connection.write(connection.handshake(this.options.host(), this.options.port(), this.options.path()));
	}

	private void expireHandshakes(long now) {
		for (Iterator<WsConnection> it = this.handshaking.iterator(); it.hasNext();) {
			WsConnection connection = it.next();
			if (connection.state == WsConnection.State.OPEN || connection.state == WsConnection.State.CLOSED) {
				it.remove();
			}
			else if (now - connection.startedNanos > HANDSHAKE_TIMEOUT) {
				it.remove();
				failed(connection, "no handshake answer in time");
			}
		}
	}

	private void measuredWindow() throws IOException {
		if (this.options.mode() == Mode.RESTART) {
			this.windowOver = true;
			this.result.windowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.originNanos);
			return; // the opening was the measurement
		}
		long start = System.nanoTime();
		this.windowOpen = true;
		Mode mode = this.options.mode();
		for (WsConnection connection : this.connections) {
			if (connection.state != WsConnection.State.OPEN) {
				continue;
			}
			if (mode == Mode.THROUGHPUT) {
				beat(connection, start);
			}
			else if (mode == Mode.SILENT) {
				connection.silentBeatNanos = System.nanoTime();
				beat(connection, connection.silentBeatNanos);
			}
		}
		long end = start + TimeUnit.SECONDS.toNanos(
				(mode == Mode.SILENT) ? this.options.silentWaitSeconds() : this.options.durationSeconds());
		long now = start;
		while (now < end && !(mode == Mode.SILENT && allSilentClosed())) {
			poll(end);
			now = System.nanoTime();
		}
		this.windowOver = true;
		this.result.windowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		long drainEnd = System.nanoTime() + DRAIN_TIMEOUT;
		while (this.result.acksReceived < this.result.heartbeatsSent - this.result.closedByServer
				&& System.nanoTime() < drainEnd) {
			poll(drainEnd);
		}
	}

	private boolean allSilentClosed() {
		for (WsConnection connection : this.connections) {
			if (connection.silentBeatNanos != 0 && connection.state != WsConnection.State.CLOSED) {
				return false;
			}
		}
		return true;
	}

	private void awaitControl(java.util.function.BooleanSupplier said) throws IOException {
		long deadline = System.nanoTime() + CONTROL_TIMEOUT;
		while (!said.getAsBoolean() && System.nanoTime() < deadline) {
			poll(Math.min(deadline, System.nanoTime() + 100_000_000L));
		}
	}

	/** One turn of the loop: heartbeats due up to now, then network events until {@code untilNanos}. */
	private void poll(long untilNanos) throws IOException {
		long now = System.nanoTime();
		sendDueBeats(now);
		long wakeAt = untilNanos;
		WsConnection next = this.beats.peek();
		if (next != null && !this.windowOver) {
			wakeAt = Math.min(wakeAt, next.nextBeatNanos);
		}
		long waitMillis = TimeUnit.NANOSECONDS.toMillis(wakeAt - now);
		int ready = (waitMillis > 0) ? this.selector.select(waitMillis) : this.selector.selectNow();
		if (ready == 0) {
			return;
		}
		Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
		while (keys.hasNext()) {
			SelectionKey key = keys.next();
			keys.remove();
			WsConnection connection = (WsConnection) key.attachment();
			if (!key.isValid()) {
				continue;
			}
			try {
				if (key.isConnectable()) {
					connection.channel.finishConnect();
					key.interestOps(SelectionKey.OP_READ);
					startHandshake(connection);
				}
				else {
					if (key.isWritable()) {
						connection.writable();
					}
					if (key.isValid() && key.isReadable()) {
						connection.readable();
					}
				}
			}
			catch (IOException ex) {
				if (connection.state == WsConnection.State.OPEN) {
					closedByServer(connection, 1006);
				}
				else {
					failed(connection, ex.toString());
				}
			}
		}
	}

	private void sendDueBeats(long now) {
		if ((this.options.mode() != Mode.HOLD && this.options.mode() != Mode.RESTART) || this.windowOver
				|| now >= this.restartWindowEndNanos) {
			return;
		}
		long interval = TimeUnit.MILLISECONDS.toNanos(this.options.intervalMillis());
		WsConnection next;
		while ((next = this.beats.peek()) != null && next.nextBeatNanos <= now) {
			this.beats.poll();
			if (next.state != WsConnection.State.OPEN) {
				continue;
			}
			beat(next, now);
			// Fixed rate from the planned time, unless the loop fell a whole interval behind.
			next.nextBeatNanos = Math.max(next.nextBeatNanos + interval, now);
			this.beats.add(next);
		}
	}

	private void beat(WsConnection connection, long now) {
		byte[] prefix = HEARTBEAT_PREFIX;
		System.arraycopy(prefix, 0, this.frame, 0, prefix.length);
		int length = prefix.length;
		length = writeDigits(now - this.origin, this.frame, length);
		this.frame[length++] = '}';
		connection.send(0x1, this.frame, length);
		this.result.heartbeatsSent++;
	}

	private static final byte[] HEARTBEAT_PREFIX = "{\"type\":\"heartbeat\",\"timestamp\":"
		.getBytes(StandardCharsets.US_ASCII);

	private static int writeDigits(long value, byte[] into, int at) {
		String digits = Long.toString(value);
		for (int i = 0; i < digits.length(); i++) {
			into[at + i] = (byte) digits.charAt(i);
		}
		return at + digits.length();
	}

	@Override
	public void opened(WsConnection connection) {
		this.result.opened++;
		this.result.connectMicros.record((System.nanoTime() - connection.startedNanos) / 1000);
		if (connection.client >= 0 && !this.welcomedClients[connection.client]) {
			// restart: the client is in and stops retrying; the reference sends no welcome, so the
			// 101 is what counts for it (GeneratorResult.inMicros)
			this.welcomedClients[connection.client] = true;
			this.clientsWelcomed++;
			this.result.upgradedMicros.record((System.nanoTime() - this.originNanos) / 1000);
		}
		if (this.options.mode() == Mode.HOLD || this.options.mode() == Mode.RESTART) {
			long interval = TimeUnit.MILLISECONDS.toNanos(this.options.intervalMillis());
			connection.nextBeatNanos = System.nanoTime() + this.random.nextLong(interval);
			this.beats.add(connection);
		}
	}

	@Override
	public void ackReceived(WsConnection connection, long timestamp) {
		long now = System.nanoTime();
		if (now >= this.restartWindowEndNanos) {
			return; // restart: only the acks of the window count
		}
		this.result.acksReceived++;
		long rtt = (now - this.origin - timestamp) / 1000;
		this.result.rttMicros.record(rtt);
		if (!this.rampOver) {
			this.result.rampRttMicros.record(rtt);
		}
		if (this.options.mode() == Mode.THROUGHPUT && this.windowOpen && !this.windowOver) {
			beat(connection, now);
		}
	}

	@Override
	public void welcomeReceived(WsConnection connection) {
		this.result.welcomes++;
		if (connection.client >= 0 && !connection.welcomed) {
			connection.welcomed = true;
			this.result.welcomeMicros.record((System.nanoTime() - this.originNanos) / 1000);
		}
	}

	@Override
	public void otherFrameReceived(WsConnection connection) {
		this.result.otherFrames++;
	}

	@Override
	public void pingAnswered(WsConnection connection) {
		this.result.pingsAnswered++;
	}

	@Override
	public void closedByServer(WsConnection connection, int code) {
		long now = System.nanoTime();
		if (retried(connection)) {
			connection.close(now); // closed before its welcome: the page tries again
			return;
		}
		connection.closedByServer = true;
		connection.closeCode = code;
		connection.close(now);
		this.result.closedByServer++;
		this.result.closeCodes.merge(code, 1L, Long::sum);
		if (connection.silentBeatNanos != 0) {
			this.result.detectionMillis.add(TimeUnit.NANOSECONDS.toMillis(now - connection.silentBeatNanos));
		}
	}

	@Override
	public void failed(WsConnection connection, String why) {
		if (connection.state == WsConnection.State.CLOSED) {
			return;
		}
		if (retried(connection)) {
			connection.close(System.nanoTime());
			return;
		}
		this.result.failed++;
		connection.close(System.nanoTime());
		if (this.result.failed <= 5) {
			System.err.println("connection failed: " + why);
		}
	}

	private void readControl() {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.equals("go")) {
					this.goSaid = true;
				}
				else if (line.equals("close")) {
					this.closeSaid = true;
				}
				this.selector.wakeup();
			}
		}
		catch (IOException ex) {
			// the controller went away: the bounded waits end the run
		}
		this.goSaid = true;
		this.closeSaid = true;
		this.selector.wakeup();
	}

}

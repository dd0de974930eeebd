package io.wsheartbeat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What presence costs Redis and what it said, from Redis's {@code MONITOR}: every call of the
 * presence script (known by its digest, as Redis names it), every command the script ran in
 * Redis, and every transition it wrote to the events stream, with its key and state. The cluster
 * sends no command per heartbeat, so the monitor sees little besides leases and presence.
 */
final class PresenceWatch implements AutoCloseable {

	/** presence.lua as the nodes load it: its text and a newline (ClusterScripts.Script). */
	private static final Path SCRIPT = Path.of("src/main/resources/io/wsheartbeat/cluster/presence.lua");

	private final Socket socket;

	private final Thread reader;

	private final String digest;

	private volatile boolean counting;

	final AtomicLong calls = new AtomicLong();

	final AtomicLong commands = new AtomicLong();

	final AtomicLong transitions = new AtomicLong();

	/** Offline transitions by key. */
	final Map<String, Long> offline = new ConcurrentHashMap<>();

	PresenceWatch(int redisPort) throws IOException {
		this.digest = sha1(Files.readString(SCRIPT) + "\n");
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 1000);
		this.socket.getOutputStream().write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
		this.reader = new Thread(this::read, "presence-watch");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** From now on, until {@link #close()}. */
	void count() {
		this.counting = true;
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8))) {
			boolean inPresence = false;
			// Bounded by close(): the socket closes and the read ends.
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				boolean fromScript = line.contains(" lua] ");
				if (!fromScript) {
					// As the client sent it: Lettuce writes the command's name in capitals.
					inPresence = line.regionMatches(true, line.indexOf('"') + 1, "evalsha\" \"" + this.digest + "\"", 0,
							this.digest.length() + 10);
					if (inPresence && this.counting) {
						this.calls.incrementAndGet();
						this.commands.incrementAndGet();
					}
				}
				else if (inPresence && this.counting) {
					this.commands.incrementAndGet();
					if (line.regionMatches(true, line.indexOf('"'), "\"xadd\"", 0, 6)) {
						this.transitions.incrementAndGet();
						String[] words = line.split("\" \"");
						String key = null;
						String state = null;
						for (int i = 0; i < words.length - 1; i++) {
							if (words[i].equals("k") && key == null) {
								key = words[i + 1];
							}
							else if (words[i].equals("s") && state == null) {
								state = words[i + 1];
							}
						}
						if ("offline".equals(state) && key != null) {
							this.offline.merge(key, 1L, Long::sum);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	@Override
	public void close() throws IOException {
		this.counting = false;
		this.socket.close();
	}

	private static String sha1(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

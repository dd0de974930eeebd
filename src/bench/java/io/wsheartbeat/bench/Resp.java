package io.wsheartbeat.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One Redis command over a plain socket to a server on 127.0.0.1, for the harnesses and tests
 * that ask Redis what it counted ({@code INFO}, {@code SLOWLOG}, {@code SENTINEL ...}) or write
 * into it: no client library of their own, so that what they count is only what the nodes sent.
 */
public final class Resp {

	private Resp() {
	}

	/**
	 * Sends one command and reads its RESP2 reply: a simple, integer or bulk string as a
	 * {@code String}, an array as a {@code List}, a null reply as {@code null}.
	 * @param timeout how long the reply may take
	 * @throws IOException if Redis answered with an error, or could not be reached
	 */
	public static Object command(int port, Duration timeout, String... args) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			return reply(new BufferedInputStream(socket.getInputStream()));
		}
	}

	private static Object reply(InputStream in) throws IOException {
		String first = line(in);
		switch (first.charAt(0)) {
			case '+', ':' -> {
				return first.substring(1);
			}
			case '$' -> {
				int length = Integer.parseInt(first.substring(1));
				if (length < 0) {
					return null;
				}
				String bulk = new String(in.readNBytes(length), StandardCharsets.UTF_8);
				line(in); // its CRLF
				return bulk;
			}
			case '*' -> {
				int count = Integer.parseInt(first.substring(1));
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					items.add(reply(in));
				}
				return items;
			}
			default -> throw new IOException("Redis answered " + first);
		}
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\r') {
			if (b < 0) {
				throw new IOException("connection closed");
			}
			line.write(b);
		}
		in.read(); // '\n'
		return line.toString(StandardCharsets.UTF_8);
	}

}

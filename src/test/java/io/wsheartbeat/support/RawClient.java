package io.wsheartbeat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for what a well-behaved client library will not do:
 * stop reading while still sending, so the server's writes back up.
 */
public final class RawClient implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private RawClient(Socket socket) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
	}

	/** Opens a connection and reads the handshake's answer, and after that nothing. */
	public static RawClient connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096); // a small window backs the server up sooner
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(5000);
		byte[] key = new byte[16];
		ThreadLocalRandom.current().nextBytes(key);
		String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		readHandshakeAnswer(socket.getInputStream());
		return new RawClient(socket);
	}

	/** Sends one masked text frame, as clients must (RFC 6455, section 5.3). */
	public void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	private static void readHandshakeAnswer(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("connection closed during handshake: " + head);
			}
			head.append((char) next);
		}
		if (!head.toString().startsWith("HTTP/1.1 101")) {
			throw new IOException("handshake refused: " + head);
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}

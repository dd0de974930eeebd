package io.wsheartbeat.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket, for what the JDK's client will not do or does too
 * expensively: send bytes that are not UTF-8, bind to a chosen loopback address (so one test can
 * be many remote addresses), flood without waiting for a future per frame, open tens of thousands
 * of short connections cheaply, and stop reading while still sending, so the server's writes back
 * up ({@link #connectWithSmallWindow}).
 *
 * <p>Blocking, and not for two threads at once. Every read has a timeout. The framing is static
 * ({@link #handshakeRequest}, {@link #frame}), so other clients can share it.
 */
public final class SocketClient implements AutoCloseable {

	public static final int CONTINUATION = 0x0;

	public static final int TEXT = 0x1;

	public static final int BINARY = 0x2;

	public static final int CLOSE = 0x8;

	public static final int PING = 0x9;

	public static final int PONG = 0xA;

	/** The close code a client reports when the connection ended without a close frame. */
	public static final int ABNORMAL = 1006;

	private static final int SMALL_RECEIVE_BUFFER = 4096;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	/** One frame as received; {@code payload} is unmasked (servers do not mask). */
	public record Frame(int opcode, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/** The close code of a close frame, 1005 if it carried none. */
		int closeCode() {
			return (this.payload.length >= 2) ? ((this.payload[0] & 0xff) << 8) | (this.payload[1] & 0xff) : 1005;
		}

	}

	private SocketClient(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	public static SocketClient connect(int port) throws IOException {
		return connect("127.0.0.1", port, null);
	}

	/**
	 * Opens a connection and completes the handshake.
	 * @param from the local address to connect from, for example {@code 127.0.0.7}; {@code null} for any
	 */
	public static SocketClient connect(String host, int port, String from) throws IOException {
		return open(host, port, from, 0);
	}

	/**
	 * Opens a connection with a 4 KB receive buffer, for a test that never reads from it: its small
	 * TCP window fills sooner, and then the server's send to it blocks.
	 */
	public static SocketClient connectWithSmallWindow(int port) throws IOException {
		return open("127.0.0.1", port, null, SMALL_RECEIVE_BUFFER);
	}

	/** @param receiveBuffer the socket's receive buffer in bytes, 0 for the system's default */
	private static SocketClient open(String host, int port, String from, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		try {
			if (receiveBuffer > 0) {
				// Before connecting: the window scale offered in the SYN follows from it.
				socket.setReceiveBufferSize(receiveBuffer);
			}
			if (from != null) {
				socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
			}
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), 5000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(handshakeRequest(host, port));
			readHandshakeAnswer(socket.getInputStream());
			return new SocketClient(socket);
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw ex;
		}
	}

	/** The opening handshake's request for {@code /ws}, with a random key (RFC 6455, section 4.1). */
	public static byte[] handshakeRequest(String host, int port) {
		byte[] key = new byte[16];
		ThreadLocalRandom.current().nextBytes(key);
		String request = "GET /ws HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
		return request.getBytes(StandardCharsets.US_ASCII);
	}

	public void readTimeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	public void sendText(String text) throws IOException {
		send(TEXT, text.getBytes(StandardCharsets.UTF_8));
	}

	/** Sends one masked frame, as clients must (RFC 6455, section 5.3), with any payload at all. */
	public void send(int opcode, byte[] payload) throws IOException {
		this.out.write(frame(opcode, payload));
		this.out.flush();
	}

	/** Writes bytes as they are: not necessarily a frame. */
	public void send(byte[] raw) throws IOException {
		this.out.write(raw);
		this.out.flush();
	}

	public void sendClose(int code) throws IOException {
		send(CLOSE, new byte[] { (byte) (code >>> 8), (byte) code });
	}

	/** One final, masked frame with a fresh random mask, as a client sends it. */
	public static byte[] frame(int opcode, byte[] payload) {
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x80 | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift) & 0xff);
			}
		}
		frame.write(mask, 0, 4);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	/**
	 * Reads the next message or control frame, answering pings with pongs on the way as browsers
	 * do. A message the server sent in fragments (a text frame without FIN, then continuation
	 * frames) comes back whole, as one frame of its first opcode, as a browser would deliver it.
	 * @throws EOFException if the connection ended
	 * @throws SocketTimeoutException if nothing came within the read timeout
	 */
	public Frame readFrame() throws IOException {
		RawFrame first = readOneFrame();
		if (first.fin || first.opcode == CONTINUATION || first.opcode >= CLOSE) {
			return new Frame(first.opcode, first.payload);
		}
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		message.write(first.payload);
		RawFrame next;
		do {
			next = readOneFrame();
			if (next.opcode != CONTINUATION) {
				return new Frame(next.opcode, next.payload); // a close in mid-message: that is the news
			}
			message.write(next.payload);
		}
		while (!next.fin);
		return new Frame(first.opcode, message.toByteArray());
	}

	private record RawFrame(boolean fin, int opcode, byte[] payload) {
	}

	private RawFrame readOneFrame() throws IOException {
		while (true) {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7f;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			if (length > 16 * 1024 * 1024) {
				throw new IOException("frame of " + length + " bytes: not from this server");
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			int opcode = first & 0x0f;
			if (opcode == PING) {
				send(PONG, payload);
				continue;
			}
			return new RawFrame((first & 0x80) != 0, opcode, payload);
		}
	}

	/** Reads frames until a text frame comes, and returns its text. */
	public String readText() throws IOException {
		while (true) {
			Frame frame = readFrame();
			if (frame.opcode() == TEXT) {
				return frame.text();
			}
			if (frame.opcode() == CLOSE) {
				throw new IOException("closed with " + frame.closeCode() + " while a text frame was awaited");
			}
		}
	}

	/**
	 * Reads until the server's close frame and returns its code, skipping anything before it; the
	 * connection ending without one is {@link #ABNORMAL}, as a browser would report it.
	 * @param maxFrames how many frames to skip at most before giving up
	 */
	public int awaitClose(int maxFrames) throws IOException {
		for (int i = 0; i < maxFrames; i++) {
			Frame frame;
			try {
				frame = readFrame();
			}
			catch (EOFException ex) {
				return ABNORMAL;
			}
			catch (IOException ex) {
				if (ex instanceof SocketTimeoutException) {
					throw ex;
				}
				return ABNORMAL; // reset by peer
			}
			if (frame.opcode() == CLOSE) {
				return frame.closeCode();
			}
		}
		throw new IOException("no close frame within " + maxFrames + " frames");
	}

	/** Ends the session politely: a close frame, then the server's answer, then the socket. */
	public void closeHandshake() throws IOException {
		sendClose(1000);
		awaitClose(64);
		close();
	}

	private static void readHandshakeAnswer(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder(256);
		int last4 = 0;
		while (last4 != 0x0d0a0d0a) {
			int next = in.read();
			if (next < 0 || head.length() > 8192) {
				throw new EOFException("connection closed during handshake: " + head);
			}
			head.append((char) next);
			last4 = (last4 << 8) | next;
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

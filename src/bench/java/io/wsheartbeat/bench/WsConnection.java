package io.wsheartbeat.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One client connection of the load generator: the handshake, masked text frames out, the
 * server's frames in, on a non-blocking channel that only the generator's one thread touches.
 * It parses just enough of protocol v1 to find the echoed timestamp of an ack without allocating.
 */
final class WsConnection {

	enum State {

		CONNECTING, HANDSHAKING, OPEN, CLOSED

	}

	private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ACK_TYPE = "\"heartbeat_ack\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] WELCOME_TYPE = "\"welcome\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TIMESTAMP_KEY = "\"timestamp\":".getBytes(StandardCharsets.US_ASCII);

	private static final int MAX_FRAME = 1 << 20;

	final SocketChannel channel;

	final long startedNanos;

	SelectionKey key;

	State state = State.CONNECTING;

	/** Next heartbeat due ({@code hold}), on the generator's clock. */
	long nextBeatNanos;

	/** {@code restart}: the client this connection is an attempt of, and which attempt (0 first). */
	int client = -1;

	int attempt;

	/** {@code restart}: whether its welcome came. */
	boolean welcomed;

	/** {@code silent}: when its one heartbeat went out; {@code 0} before. */
	long silentBeatNanos;

	long closedNanos;

	/** Whether the server, not the generator, ended the connection. */
	boolean closedByServer;

	int closeCode;

	private ByteBuffer in = ByteBuffer.allocate(512);

	private ByteBuffer pending;

	private final Listener listener;

	WsConnection(SocketChannel channel, long startedNanos, Listener listener) {
		this.channel = channel;
		this.startedNanos = startedNanos;
		this.listener = listener;
	}

	/** What the connection does with the server's frames. */
	interface Listener {

		void opened(WsConnection connection);

		void ackReceived(WsConnection connection, long timestamp);

		void welcomeReceived(WsConnection connection);

		void otherFrameReceived(WsConnection connection);

		void pingAnswered(WsConnection connection);

		void closedByServer(WsConnection connection, int code);

		void failed(WsConnection connection, String why);

	}

	ByteBuffer handshake(String host, int port, String path) {
		String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
		return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
	}

	/** Reads what the channel has and handles every complete frame. */
	void readable() {
		int read;
		try {
			read = this.channel.read(this.in);
		}
		catch (IOException ex) {
			serverEnded(1006);
			return;
		}
		if (read < 0) {
			serverEnded(1006);
			return;
		}
		this.in.flip();
		try {
			if (this.state == State.HANDSHAKING && !handshakeAnswered()) {
				return;
			}
			while (this.state == State.OPEN && frame()) {
				// one frame handled; look for the next
			}
		}
		finally {
			if (this.state != State.CLOSED) {
				this.in.compact();
			}
		}
	}

	private boolean handshakeAnswered() {
		int end = indexOf(this.in, this.in.position(), this.in.limit(), HEADER_END);
		if (end < 0) {
			if (!this.in.hasRemaining() || this.in.limit() == this.in.capacity()) {
				grow(this.in.capacity() * 2);
			}
			return false;
		}
		String status = new String(this.in.array(), this.in.position(), Math.min(12, end - this.in.position()),
				StandardCharsets.US_ASCII);
		if (!status.equals("HTTP/1.1 101")) {
			this.listener.failed(this, "handshake answered " + status);
			return false;
		}
		this.in.position(end + HEADER_END.length);
		this.state = State.OPEN;
		this.listener.opened(this);
		return true;
	}

	/** Handles one complete frame at the buffer's position; {@code false} if none is complete. */
	private boolean frame() {
		ByteBuffer buffer = this.in;
		int start = buffer.position();
		int available = buffer.remaining();
		if (available < 2) {
			return false;
		}
		int opcode = buffer.get(start) & 0x0f;
		long length = buffer.get(start + 1) & 0x7f;
		int header = 2;
		if (length == 126) {
			if (available < 4) {
				return false;
			}
			length = buffer.getShort(start + 2) & 0xffff;
			header = 4;
		}
		else if (length == 127) {
			if (available < 10) {
				return false;
			}
			length = buffer.getLong(start + 2);
			header = 10;
		}
		if (length > MAX_FRAME) {
			this.listener.failed(this, "frame of " + length + " bytes");
			return false;
		}
		if (available < header + length) {
			if (header + length > buffer.capacity()) {
				grow((int) (header + length));
			}
			return false;
		}
		int payload = start + header;
		int end = payload + (int) length;
		buffer.position(end);
		switch (opcode) {
			case 0x1 -> text(payload, end);
			case 0x8 -> {
				int code = (length >= 2) ? buffer.getShort(payload) & 0xffff : 1005;
				serverEnded(code);
				return false;
			}
			case 0x9 -> {
				byte[] data = new byte[(int) length];
				buffer.get(payload, data);
				send(0xA, data, data.length);
				this.listener.pingAnswered(this);
			}
			default -> {
				// pongs and continuation frames: nothing to do
			}
		}
		return this.state == State.OPEN;
	}

	private void text(int from, int to) {
		if (indexOf(this.in, from, to, ACK_TYPE) >= 0) {
			int at = indexOf(this.in, from, to, TIMESTAMP_KEY);
			if (at >= 0) {
				this.listener.ackReceived(this, parseLong(this.in, at + TIMESTAMP_KEY.length, to));
				return;
			}
		}
		if (indexOf(this.in, from, to, WELCOME_TYPE) >= 0) {
			this.listener.welcomeReceived(this);
			return;
		}
		this.listener.otherFrameReceived(this);
	}

	/** Sends a masked frame (RFC 6455 5.3: every client frame is masked). */
	void send(int opcode, byte[] payload, int length) {
		if (this.state != State.OPEN) {
			return;
		}
		int mask = (int) System.nanoTime() * 0x9E3779B9;
		ByteBuffer frame = ByteBuffer.allocate(length + 8);
		frame.put((byte) (0x80 | opcode));
		if (length < 126) {
			frame.put((byte) (0x80 | length));
		}
		else {
			frame.put((byte) (0x80 | 126)).putShort((short) length);
		}
		frame.putInt(mask);
		for (int i = 0; i < length; i++) {
			frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
		}
		frame.flip();
		write(frame);
	}

	/** Writes at once where the socket takes it, and queues the rest for when it is writable. */
	void write(ByteBuffer data) {
		try {
			if (this.pending == null) {
				this.channel.write(data);
				if (!data.hasRemaining()) {
					return;
				}
				this.pending = ByteBuffer.allocate(Math.max(256, data.remaining() * 2));
			}
			if (this.pending.remaining() < data.remaining()) {
				ByteBuffer larger = ByteBuffer.allocate((this.pending.position() + data.remaining()) * 2);
				this.pending.flip();
				larger.put(this.pending);
				this.pending = larger;
			}
			this.pending.put(data);
			if (this.key != null && this.key.isValid()) {
				this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
			}
		}
		catch (IOException ex) {
			serverEnded(1006);
		}
	}

	/** The socket can take more: write what is queued. */
	void writable() throws IOException {
		if (this.pending != null) {
			this.pending.flip();
			this.channel.write(this.pending);
			if (this.pending.hasRemaining()) {
				this.pending.compact();
				return;
			}
			this.pending = null;
		}
		if (this.key.isValid()) {
			this.key.interestOps(SelectionKey.OP_READ);
		}
	}

	private void serverEnded(int code) {
		if (this.state == State.CLOSED) {
			return;
		}
		if (this.state != State.OPEN) {
			this.listener.failed(this, "closed during the handshake");
			return;
		}
		this.listener.closedByServer(this, code);
	}

	/** Closes the channel; quietly, the connection may be gone already. */
	void close(long nowNanos) {
		if (this.state != State.CLOSED) {
			this.state = State.CLOSED;
			this.closedNanos = nowNanos;
		}
		if (this.key != null) {
			this.key.cancel();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// already gone: nothing to release
		}
	}

	private void grow(int capacity) {
		ByteBuffer larger = ByteBuffer.allocate(Math.min(Math.max(capacity, 512), MAX_FRAME + 16));
		larger.put(this.in);
		larger.flip();
		this.in = larger;
	}

	private static int indexOf(ByteBuffer buffer, int from, int to, byte[] pattern) {
		outer: for (int i = from; i <= to - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (buffer.get(i + j) != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private static long parseLong(ByteBuffer buffer, int from, int to) {
		long value = 0;
		for (int i = from; i < to; i++) {
			byte digit = buffer.get(i);
			if (digit < '0' || digit > '9') {
				break;
			}
			value = value * 10 + (digit - '0');
		}
		return value;
	}

}

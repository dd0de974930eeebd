package io.wsheartbeat.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * A process that opens WebSocket sessions and then holds them without a word, for tests that run
 * it where the test cannot reach into itself: inside a network namespace, or as a process to kill.
 * Prints {@code READY <session id>...} once every session is open and has beaten once, then waits
 * until its standard input closes or it is killed.
 *
 * <p>While the sessions open, one after another, each declares a long interval, so that none is
 * reaped however long the others take on a busy machine; the last heartbeat of each declares
 * {@code last-interval}, if given.
 *
 * <p>Arguments: host, port, number of sessions[, last-interval in milliseconds].
 */
public final class NamespaceClients {

	private NamespaceClients() {
	}

	public static void main(String[] args) throws IOException {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int count = Integer.parseInt(args[2]);
		String lastInterval = (args.length > 3) ? ",\"interval\":" + Long.parseLong(args[3]) : "";
		JsonMapper json = JsonMapper.builder().build();
		List<SocketClient> clients = new ArrayList<>(count);
		StringBuilder ready = new StringBuilder("READY");
		for (int i = 0; i < count; i++) {
			SocketClient client = SocketClient.connect(host, port, null);
			clients.add(client);
			ready.append(' ').append(json.readTree(client.readText()).path("sessionId").asString());
			// The server caps the declared interval at its max-interval.
			client.sendText("{\"type\":\"heartbeat\",\"timestamp\":" + i + ",\"interval\":86400000}");
			client.readText();
		}
		// Once more from every session, so that all were last heard at about the same moment.
		for (int i = 0; i < count; i++) {
			clients.get(i).sendText("{\"type\":\"heartbeat\",\"timestamp\":" + i + lastInterval + "}");
			clients.get(i).readText();
		}
		System.out.println(ready);
		System.out.flush();
		// Hold the sessions: read until the parent closes our input. Bounded by the parent, which
		// kills this process in its finally block.
		while (System.in.read() >= 0) {
			// nothing to do
		}
		for (SocketClient client : clients) {
			client.close();
		}
	}

}

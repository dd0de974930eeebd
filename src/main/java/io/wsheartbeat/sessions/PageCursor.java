package io.wsheartbeat.sessions;

import java.util.regex.Pattern;

/**
 * Where a page of the sessions starts: a node's id, and where in that node's sessions, as
 * {@code node~position}. Opaque to clients, who only send back what a page gave them.
 */
record PageCursor(String node, String position) {

	// A node id (heartbeat.cluster.node-id's characters, or empty on a server of its own), and an
	// offset or a store's position.
	private static final Pattern FORM = Pattern.compile("([A-Za-z0-9._-]{0,64})~([0-9.]{0,64})");

	/**
	 * @param self the node the first page starts from when {@code cursor} is absent
	 * @throws IllegalArgumentException if {@code cursor} is not one a page made
	 */
	static PageCursor parse(String cursor, String self) {
		if (cursor == null || cursor.isEmpty()) {
			return new PageCursor(null, null);
		}
		var matcher = FORM.matcher(cursor);
		if (!matcher.matches()) {
			throw new IllegalArgumentException("cursor '" + cursor + "' is not one a page of sessions gave");
		}
		return new PageCursor(matcher.group(1), matcher.group(2).isEmpty() ? null : matcher.group(2));
	}

	static int offset(String position) {
		try {
			return Integer.parseInt(position);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("cursor position '" + position + "' is not an offset");
		}
	}

	@Override
	public String toString() {
		return this.node + "~" + ((this.position != null) ? this.position : "");
	}

}

package io.wsheartbeat.heartbeat;

/**
 * Which node of a cluster this server is, where it is one ({@code io.wsheartbeat.cluster}, with
 * {@code heartbeat.cluster.enabled}). The welcome frame names it, so that a page can show which
 * node it is connected to. A server on its own has no such bean, and its welcome names no node.
 */
public interface ServerNode {

	/** This node's id: short, stable while the process lives, unique in its cluster. */
	String id();

}

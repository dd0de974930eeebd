/**
 * Cluster mode ({@code heartbeat.cluster.enabled}): several nodes behind a load balancer, one
 * view of every session. Each node stays the judge of its own sessions, in memory; Redis holds
 * each node's lease and the sessions it announced, in batches, and tells the other nodes. A node
 * whose lease runs out is lost, and its sessions leave every view. Nothing here exists on a
 * server of its own, which never touches Redis. See {@code docs/cluster.md}.
 */
package io.wsheartbeat.cluster;

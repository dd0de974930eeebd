/**
 * Cluster mode ({@code heartbeat.cluster.enabled}): several nodes behind a load balancer, one
 * view of every session. Each node stays the judge of its own sessions, in memory; Redis holds
 * each node's lease and the sessions it wrote, in batches. A node keeps counts of the others,
 * never their sessions: the views read the page they show from Redis. Only the judgement of the
 * leases, inside Redis against its clock, declares a node lost, and an outage of Redis is not
 * one. Nothing here exists on a server of its own, which never touches Redis. See
 * {@code docs/cluster.md}.
 */
package io.wsheartbeat.cluster;

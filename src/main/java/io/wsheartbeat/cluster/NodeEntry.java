package io.wsheartbeat.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A node as Redis holds it, one field of the nodes hash, as JSON: what every node knows of every
 * other, and all it keeps of them.
 *
 * @param inc its incarnation: random and new at every registration, so that a second process
 * with the same id, or an earlier life of this one, is told apart; a string, as Lua's numbers
 * would round a long
 * @param lease when its lease runs out, in ms by Redis's clock
 * @param sessions how many sessions it held when it last renewed or announced
 * @param address where it can be reached
 * @param started when it started, epoch ms by its own clock
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record NodeEntry(String inc, long lease, int sessions, String address, long started) {
}

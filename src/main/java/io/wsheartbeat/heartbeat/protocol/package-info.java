/**
 * The wire: protocol v1's frames as values, their decoding and encoding, and its close codes.
 * Nothing here holds state or knows a session.
 */
package io.wsheartbeat.heartbeat.protocol;

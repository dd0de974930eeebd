/**
 * The warm start: before the web server opens its port, the server opens sessions to itself over
 * loopback and beats on them, so that the first clients of a restart meet compiled code.
 */
package io.wsheartbeat.warmup;

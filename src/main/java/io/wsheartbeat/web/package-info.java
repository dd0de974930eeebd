/**
 * The pages: the heartbeat page, the server's view and the restart storm, their language, their
 * messages and timings for the client, and the security headers on every response.
 */
package io.wsheartbeat.web;

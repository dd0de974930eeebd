package io.wsheartbeat.cluster;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A session that closed on some node, as the views' list of recently closed sessions in Redis
 * holds it, as JSON: written by its node when it announces the close, or by the judgement that
 * found its node lost (code 1006).
 *
 * @param id the session's id
 * @param node the node that held it
 * @param remoteAddress the client's address
 * @param connectedAt when it opened
 * @param code its close code
 * @param reason its close reason
 * @param closedAt when it closed, epoch ms (Redis's clock for a lost node's)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ClosedRecord(String id, String node, String remoteAddress, Instant connectedAt, int code, String reason,
		long closedAt) {
}

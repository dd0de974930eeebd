package io.wsheartbeat.cluster;

import java.io.OutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.support.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of the scale harness ({@code src/bench/cluster-scale}): two nodes of 50 sessions
 * against a redis-server of its own, for a few seconds of steady state, so that the harness
 * behind the figures in docs/cluster.md keeps working. The runs at scale are not part of the
 * build.
 */
class ClusterScaleSmokeTests {

	private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

	@Test
	void twoSmallNodesAreMeasuredAndStopCleanly() throws Exception {
		RedisServer.assumeInstalled();

		ClusterScale.Result result = ClusterScale.run(ClusterScale.Options.parse("--nodes=2", "--sessions=50",
				"--churn=0.1", "--warmup=1", "--steady=2", "--phases=steady"), QUIET);

		assertThat(result.failures).isEmpty();
		assertThat(result.steady.nodes()).isEqualTo(2);
		assertThat(result.steady.sentPerSecond()).as("a renewal a second per node, and announcements")
			.isGreaterThanOrEqualTo(2);
		assertThat(result.steady.commandsPerSecond()).isGreaterThan(result.steady.sentPerSecond());
		assertThat(result.steady.bytesOutPerSecond()).isPositive();
		assertThat(result.steady.memoryPerSession()).isPositive();
		assertThat(result.steady.gapMax()).as("renewals were granted, about a second apart").isBetween(500.0, 1500.0);
	}

}

package io.wsheartbeat.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.wsheartbeat.bench.ProcStats.ListenQueue;

import static org.assertj.core.api.Assertions.assertThat;

class ProcStatsTests {

	@Test
	void readsTheListenQueueCountersFromTheTcpExtLines() {
		List<String> netstat = List.of("TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPHPHits",
				"TcpExt: 0 56 58 1234", "IpExt: InNoRoutes InTruncatedPkts", "IpExt: 0 0");

		assertThat(ProcStats.parseListenQueue(netstat)).isEqualTo(new ListenQueue(56, 58));
	}

	@Test
	void countsNothingWhereTheKernelDoesNotSay() {
		assertThat(ProcStats.parseListenQueue(List.of("IpExt: InNoRoutes", "IpExt: 0"))).isEqualTo(ListenQueue.NONE);
		assertThat(ProcStats.listenQueue().overflows()).isNotNegative();
	}

	@Test
	void readsTheTotalOfAClassHistogram() {
		List<String> histogram = List.of("12345:", " num     #instances         #bytes  class name (module)",
				"-------------------------------------------------------",
				"   1:         41094        3287520  [B (java.base@17.0.15)", "Total        187201       12345678");

		assertThat(ServerUnderTest.parseHistogramTotal(histogram)).isEqualTo(12345678L);
		assertThat(ServerUnderTest.parseHistogramTotal(List.of("12345:", "Connection refused"))).isEqualTo(-1);
	}

}

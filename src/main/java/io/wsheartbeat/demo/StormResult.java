package io.wsheartbeat.demo;

import java.util.List;

/**
 * What one restart storm showed: when the clients knocked again after the server closed them all
 * with 1012, counted per {@code bucketMillis} since that close (the attempt that succeeded).
 *
 * @param backoff {@code full-jitter} or {@code fixed}
 * @param clients synthetic clients opened
 * @param reconnected clients that were welcomed again
 * @param failed clients that did not come back within the storm's time limit
 * @param bucketMillis the width of one bucket
 * @param reconnectsPerBucket reconnects in each bucket, from the moment of the 1012
 * @param largestBucketShare the largest bucket's share of all reconnects (1.0: all at once)
 */
public record StormResult(String backoff, int clients, int reconnected, int failed, long bucketMillis,
		List<Integer> reconnectsPerBucket, double largestBucketShare) {
}

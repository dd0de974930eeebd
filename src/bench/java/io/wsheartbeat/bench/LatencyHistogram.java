package io.wsheartbeat.bench;

import java.util.StringJoiner;

/**
 * Round-trip times in microseconds, in log-linear buckets: exact below 64 us, then 64 buckets per
 * power of two, so a quantile read back is within 1.6% of the true value. Fixed size, so a worker
 * can record millions of acks without allocating, and histograms from several workers add up.
 */
final class LatencyHistogram {

	private static final int SUB_BUCKETS = 64;

	private static final int SUB_BITS = 6;

	// Enough powers of two for any long.
	private final long[] counts = new long[SUB_BUCKETS * 60];

	private long total;

	private long max;

	void record(long micros) {
		long value = Math.max(0, micros);
		this.counts[indexOf(value)]++;
		this.total++;
		this.max = Math.max(this.max, value);
	}

	long count() {
		return this.total;
	}

	long max() {
		return this.max;
	}

	/** The value below which a fraction {@code q} of the recordings lie, or 0 when empty. */
	long quantile(double q) {
		if (this.total == 0) {
			return 0;
		}
		long rank = Math.max(1, (long) Math.ceil(q * this.total));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return Math.min(upperBoundOf(i), this.max);
			}
		}
		return this.max;
	}

	void add(LatencyHistogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
		this.max = Math.max(this.max, other.max);
	}

	/** Sparse text form, {@code max;index:count,index:count}, for a worker's result line. */
	String encode() {
		StringJoiner buckets = new StringJoiner(",");
		for (int i = 0; i < this.counts.length; i++) {
			if (this.counts[i] != 0) {
				buckets.add(i + ":" + this.counts[i]);
			}
		}
		return this.max + ";" + buckets;
	}

	static LatencyHistogram decode(String text) {
		LatencyHistogram histogram = new LatencyHistogram();
		int semicolon = text.indexOf(';');
		histogram.max = Long.parseLong(text.substring(0, semicolon));
		String buckets = text.substring(semicolon + 1);
		if (!buckets.isEmpty()) {
			for (String bucket : buckets.split(",")) {
				int colon = bucket.indexOf(':');
				long count = Long.parseLong(bucket.substring(colon + 1));
				histogram.counts[Integer.parseInt(bucket.substring(0, colon))] += count;
				histogram.total += count;
			}
		}
		return histogram;
	}

	static int indexOf(long value) {
		if (value < SUB_BUCKETS) {
			return (int) value;
		}
		int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS;
		return SUB_BUCKETS * shift + (int) (value >>> shift);
	}

	/** The largest value that falls into bucket {@code index}. */
	static long upperBoundOf(int index) {
		if (index < SUB_BUCKETS) {
			return index;
		}
		int shift = index / SUB_BUCKETS - 1;
		long top = index % SUB_BUCKETS + SUB_BUCKETS;
		return ((top + 1) << shift) - 1;
	}

}

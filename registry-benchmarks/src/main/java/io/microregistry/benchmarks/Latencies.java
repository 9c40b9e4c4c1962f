package io.microregistry.benchmarks;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, in microseconds.
 *
 * @param count samples
 * @param p50   median
 * @param p99   99th percentile (nearest rank)
 * @param max   largest sample
 */
record Latencies(int count, double p50, double p99, double max) {

    static Latencies ofNanos(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Latencies(sorted.length, rank(sorted, 0.50) / 1e3, rank(sorted, 0.99) / 1e3,
                sorted[sorted.length - 1] / 1e3);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}

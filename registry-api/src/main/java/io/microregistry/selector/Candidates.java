package io.microregistry.selector;

/**
 * The nodes of one snapshot that one filter lets through, precomputed so that picking among
 * them allocates nothing: indices into the snapshot's node arrays, and for the weighted strategy
 * their total weight and an alias table (Vose), so a weighted pick is O(1).
 *
 * <p>Immutable once built; the arrays are never exposed.
 */
final class Candidates {

    final int[] indices;
    final long totalWeight;
    /** Alias method: position {@code p} keeps itself with probability {@code keep[p] / 2^32}, else {@code alias[p]}. */
    private final long[] keep;
    private final int[] alias;

    Candidates(int[] indices, int[] weights) {
        this.indices = indices;
        int n = indices.length;
        long sum = 0;
        for (int index : indices) {
            sum += weights[index];
        }
        this.totalWeight = sum;
        this.keep = new long[n];
        this.alias = new int[n];
        if (sum > 0) {
            buildAliasTable(weights, sum);
        }
    }

    private void buildAliasTable(int[] weights, long sum) {
        int n = indices.length;
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = (double) weights[indices[i]] * n / sum;
            if (scaled[i] < 1.0) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            int less = small[--smalls];
            int more = large[--larges];
            keep[less] = (long) (scaled[less] * 0x1p32);
            alias[less] = more;
            scaled[more] = scaled[more] + scaled[less] - 1.0;
            if (scaled[more] < 1.0) {
                small[smalls++] = more;
            } else {
                large[larges++] = more;
            }
        }
        // What is left has probability 1 up to rounding: always keep it.
        while (larges > 0) {
            int i = large[--larges];
            keep[i] = 1L << 32;
            alias[i] = i;
        }
        while (smalls > 0) {
            int i = small[--smalls];
            keep[i] = 1L << 32;
            alias[i] = i;
        }
    }

    /**
     * A position drawn in proportion to weight from one uniformly random long: the high 32 bits
     * choose a column, the low 32 bits decide between it and its alias. Needs {@code totalWeight > 0}.
     */
    int positionByWeight(long random) {
        int column = (int) (((random >>> 32) * indices.length) >>> 32);
        return (random & 0xFFFF_FFFFL) < keep[column] ? column : alias[column];
    }

    int size() {
        return indices.length;
    }
}

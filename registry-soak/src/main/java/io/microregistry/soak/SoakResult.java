package io.microregistry.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcomes of one soak run, with the sums and percentiles the report shows; {@code aborted}
 * says why the run stopped early, empty if it did not. Immutable.
 */
record SoakResult(SoakSettings settings, Instant started, Instant finished, List<FaultOutcome> outcomes,
                  String aborted) {

    List<FaultOutcome> of(FaultKind kind) {
        return outcomes.stream().filter(o -> o.kind() == kind).toList();
    }

    int lost() {
        return outcomes.stream().mapToInt(FaultOutcome::lost).sum();
    }

    int stale() {
        return outcomes.stream().mapToInt(FaultOutcome::stale).sum();
    }

    int diverged() {
        return outcomes.stream().mapToInt(FaultOutcome::diverged).sum();
    }

    /** Dead nodes that did not go at all (they are also stale). */
    int notGone() {
        return (int) outcomes.stream().flatMap(o -> o.disappearanceMillis().stream()).filter(t -> t < 0).count();
    }

    /** Whether every fault was clean: nothing lost, stale or diverged, every dead node gone. */
    boolean clean() {
        return aborted.isEmpty() && outcomes.stream().allMatch(FaultOutcome::clean);
    }

    /** The outcomes that were not clean. */
    List<FaultOutcome> violations() {
        return outcomes.stream().filter(o -> !o.clean()).toList();
    }

    /** The {@code p}-th percentile (0..100, nearest rank) of {@code values}, or -1 if empty. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

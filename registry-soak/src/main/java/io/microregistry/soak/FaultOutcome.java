package io.microregistry.soak;

import java.util.List;

/**
 * What one fault did: how long until the registry was right again ({@code recoveryMillis},
 * -1 if not within the window), and what was wrong at the end of the window: expected nodes
 * missing or old (lost), dead nodes seen after TTL + 1 s (stale), views that disagreed with the
 * backend (diverged; {@code silent} of those said they were CURRENT). {@code disappearanceMillis}:
 * how long each node that died in this fault (or before, still pending) took to go; -1 for one
 * that did not go.
 */
record FaultOutcome(int index, FaultKind kind, String target, long recoveryMillis, int lost, int stale,
                    int diverged, int silent, List<Long> disappearanceMillis, String detail) {

    boolean clean() {
        return lost == 0 && stale == 0 && diverged == 0 && disappearanceMillis.stream().noneMatch(t -> t < 0);
    }
}

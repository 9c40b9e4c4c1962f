package io.microregistry.soak;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Fault kinds kept out of the short soak in {@code verify}, per backend, because the backend on
 * today's main breaks a guarantee under them (issue 14; their fixes are on the backends'
 * branches). Each entry names what was observed. When a fix lands, delete its entry: the
 * short soak then proves it on every build. The full soak ({@code -Psoak}) runs every kind on
 * every backend regardless, so docs/reliability.md shows the violations until they are fixed.
 */
final class ShortSoakExclusions {

    /** Backend to (fault kind to why it is excluded). Empty for a backend that holds every kind. */
    static final Map<Backend, Map<FaultKind, String>> EXCLUDED = Map.of(
            Backend.ETCD, Map.of(),
            // Consul: before the consul branch's fix (consistent reads), right after the agent restarted
            // (SIGTERM 4 of 17 faults, SIGKILL 3 of 16) nodes of registrants killed minutes before were
            // served as passing again (docs/reliability.md); with it merged, 6 of 6 restarts were clean
            // (seed 3, TTL 5 s), so restarts run. Still out: once in 17 registrant freezes 2 of 5 nodes
            // stayed passing for the whole 2 x TTL freeze (TTL check not critical within TTL + 1 s, under
            // load 25 on 2 cores), not yet explained or fixed; a flaky CI run would prove nothing.
            Backend.CONSUL, Map.of(
                    FaultKind.REGISTRANT_SIGSTOP, "found by the soak: a frozen registrant's node stayed passing past TTL + 1 s (1 in 17)"),
            // ZooKeeper: before the zk branch's fixes, every server restart, wipe and SIGSTOP left the
            // subscription and the cache silently stale (docs/reliability.md, 54 diverged in 100
            // faults); with them merged, 8 of 8 such faults were clean (seed 3, TTL 5 s), so all run.
            Backend.ZOOKEEPER, Map.of());

    private ShortSoakExclusions() {
    }

    /** The fault kinds the short soak runs on {@code backend}. */
    static Set<FaultKind> enabled(Backend backend) {
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        kinds.removeAll(EXCLUDED.getOrDefault(backend, Map.of()).keySet());
        return kinds;
    }
}

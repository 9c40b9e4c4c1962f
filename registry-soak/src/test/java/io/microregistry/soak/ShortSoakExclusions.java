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
            // Observed on main (full soak, seed 20261201, TTL 5 s, 6 x 5 nodes; docs/reliability.md):
            // right after the agent restarts (SIGTERM 4 of 17 faults, SIGKILL 3 of 16), nodes of
            // registrants killed minutes before are served as passing again (STALE), as issue 14
            // reports: the restarted agent restores its services, and default-consistency health
            // reads answer from a half-restored state. And once in 17 registrant freezes, 2 of the 5
            // nodes stayed passing for the whole 2 x TTL freeze (TTL check not turned critical in
            // TTL + 1 s); rare, so kept out too: a flaky CI run proves nothing.
            Backend.CONSUL, Map.of(
                    FaultKind.SERVER_SIGTERM, "issue 14: dead nodes served again after an agent restart",
                    FaultKind.SERVER_SIGKILL, "issue 14: dead nodes served again after an agent SIGKILL + restart",
                    FaultKind.REGISTRANT_SIGSTOP, "found by the soak: a frozen registrant's node stays passing past TTL + 1 s (1 in 17)"),
            // Observed on main (same runs, and the short soak at TTL 2 s): after a server restart,
            // wipe or SIGSTOP the subscription and the cache miss re-written metadata of nodes that
            // getService already serves, while both say CURRENT (issue 14, ZooKeeper: watches on the
            // main session, and a rebuilt watch that compares znode versions instead of content).
            Backend.ZOOKEEPER, Map.of(
                    FaultKind.SERVER_SIGTERM, "issue 14: watchers and cache go silently stale after a server restart",
                    FaultKind.SERVER_SIGKILL, "issue 14: watchers and cache go silently stale after a server restart",
                    FaultKind.SERVER_WIPE, "issue 14: watchers and cache go silently stale after a wiped server",
                    FaultKind.SERVER_SIGSTOP, "issue 14: watchers and cache go silently stale after a frozen server"));

    private ShortSoakExclusions() {
    }

    /** The fault kinds the short soak runs on {@code backend}. */
    static Set<FaultKind> enabled(Backend backend) {
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        kinds.removeAll(EXCLUDED.getOrDefault(backend, Map.of()).keySet());
        return kinds;
    }
}

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
            Backend.CONSUL, Map.of(),
            // Observed on main (soak seed 2, TTL 2 s, 3 registrants x 3 nodes): after a server restart
            // the subscription and the cache miss the re-written metadata of nodes that the backend
            // (getService) already serves, while both report CURRENT; SIGTERM 2 of 2, SIGKILL 2 of 2,
            // wipe 2 of 2 faults diverged (issue 14, ZooKeeper: watches on the main session, and a
            // rebuilt watch that compares znode versions instead of content).
            Backend.ZOOKEEPER, Map.of(
                    FaultKind.SERVER_SIGTERM, "issue 14: watchers and cache go silently stale after a server restart",
                    FaultKind.SERVER_SIGKILL, "issue 14: watchers and cache go silently stale after a server restart",
                    FaultKind.SERVER_WIPE, "issue 14: watchers and cache go silently stale after a wiped server"));

    private ShortSoakExclusions() {
    }

    /** The fault kinds the short soak runs on {@code backend}. */
    static Set<FaultKind> enabled(Backend backend) {
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        kinds.removeAll(EXCLUDED.getOrDefault(backend, Map.of()).keySet());
        return kinds;
    }
}

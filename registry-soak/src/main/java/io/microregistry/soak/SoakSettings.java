package io.microregistry.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * One soak run of one backend: how many registrant processes with how many nodes each, their
 * TTL, how many faults of which kinds, the seed of the fault sequence, and how long after a
 * fault the registry has to be right again ({@code window}).
 */
record SoakSettings(Backend backend, int registrants, int nodesPerRegistrant, Duration ttl, int faults,
                    long seed, Set<FaultKind> kinds, Duration window, Path workDir) {

    SoakSettings {
        if (registrants < 1 || nodesPerRegistrant < 1 || faults < 0) {
            throw new IllegalArgumentException("registrants and nodesPerRegistrant must be >= 1, faults >= 0");
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds must not be empty");
        }
        kinds = Set.copyOf(EnumSet.copyOf(kinds));
    }

    /** The setting: 6 registrants x 5 nodes, TTL 5 s, window 3 TTL + 5 s. */
    static SoakSettings standard(Backend backend, int faults, long seed, Set<FaultKind> kinds, Path workDir) {
        Duration ttl = Duration.ofSeconds(5);
        return new SoakSettings(backend, 6, 5, ttl, faults, seed, kinds, ttl.multipliedBy(3).plusSeconds(5), workDir);
    }
}

package io.microregistry.zookeeper;

/**
 * Serialises the writers of one znode path within a client (a register racing a
 * re-registration after session expiry, or a deregister), without serialising the whole
 * client: paths share one of a fixed number of locks.
 *
 * <p>Thread-safe.
 */
final class PathLocks {
    private static final int STRIPES = 64;
    private final Object[] locks = new Object[STRIPES];

    PathLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The monitor guarding {@code path}. */
    Object of(String path) {
        return locks[Math.floorMod(path.hashCode(), STRIPES)];
    }
}

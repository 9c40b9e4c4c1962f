package io.microregistry.consul;

/**
 * Serialises the writes for one Consul service ID within a client (register, keep-alive pass,
 * re-registration, deregister) without serialising the whole client, in bounded memory: IDs
 * share one of a fixed number of monitors, so IDs that come and go leave nothing behind.
 *
 * <p>Thread-safe. Holding two IDs' monitors at once is never needed and must not be done.
 */
final class IdLocks {
    static final int STRIPES = 64;
    private final Object[] locks = new Object[STRIPES];

    IdLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The monitor guarding {@code id}. */
    Object of(String id) {
        return locks[Math.floorMod(id.hashCode(), STRIPES)];
    }
}

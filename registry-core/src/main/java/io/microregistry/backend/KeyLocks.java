package io.microregistry.backend;

/**
 * Serialises the writers of one key within a client (a register racing a re-registration
 * after a lost lease, session or agent, or a deregister) without serialising the whole
 * client, in bounded memory: keys share one of a fixed number of monitors, so keys that come
 * and go leave nothing behind.
 *
 * <p>Thread-safe. Holding two keys' monitors at once is never needed and must not be done:
 * two keys may share a monitor, and two threads taking them in opposite orders would deadlock.
 */
public final class KeyLocks {
    /** How many monitors keys share. */
    public static final int STRIPES = 64;
    private final Object[] locks = new Object[STRIPES];

    public KeyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The monitor guarding {@code key}. */
    public Object of(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }
}

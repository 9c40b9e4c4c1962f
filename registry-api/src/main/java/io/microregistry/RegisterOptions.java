package io.microregistry;

import java.time.Duration;

/**
 * How a registration is kept alive.
 *
 * <p>Immutable. The TTL is how long a node outlives its process: the client renews well
 * inside it, and after a crash the node disappears within it.
 *
 * @param ttl time to live, at least {@link #MIN_TTL} and at most {@link #MAX_TTL}
 */
public record RegisterOptions(Duration ttl) {

    /** Default TTL: short enough that a dead node is not served for long. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);
    /** Shortest TTL: backends count leases and sessions in whole seconds. */
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    /** Longest TTL: a day; beyond that a dead node is served for too long to be useful. */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    public RegisterOptions {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl must not be null");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between " + MIN_TTL + " and " + MAX_TTL + ", was " + ttl);
        }
    }

    /** Options with the given TTL. */
    public static RegisterOptions ttl(Duration ttl) {
        return new RegisterOptions(ttl);
    }

    /** Options with {@link #DEFAULT_TTL}. */
    public static RegisterOptions defaults() {
        return new RegisterOptions(DEFAULT_TTL);
    }
}

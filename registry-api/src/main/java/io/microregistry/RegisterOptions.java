package io.microregistry;

import java.time.Duration;

/**
 * How a registration is kept alive. Build with {@link #ttl(Duration)}, {@link #defaults()} or
 * {@link #builder()}; fields will be added without breaking callers (this was a record; its
 * constructor and accessor stay).
 *
 * <p>Immutable and thread-safe. The TTL is how long a node outlives its process: the client
 * renews well inside it, and after a crash the node disappears within it.
 */
public final class RegisterOptions {

    /** Default TTL: short enough that a dead node is not served for long. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);
    /** Shortest TTL: backends count leases and sessions in whole seconds. */
    public static final Duration MIN_TTL = Duration.ofSeconds(1);
    /** Longest TTL: a day; beyond that a dead node is served for too long to be useful. */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    private final Duration ttl;

    /**
     * @param ttl time to live, at least {@link #MIN_TTL} and at most {@link #MAX_TTL}
     * @throws IllegalArgumentException naming {@code ttl} if it is null or out of range
     */
    public RegisterOptions(Duration ttl) {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl must not be null");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between " + MIN_TTL + " and " + MAX_TTL + ", was " + ttl);
        }
        this.ttl = ttl;
    }

    /** Options with the given TTL. */
    public static RegisterOptions ttl(Duration ttl) {
        return new RegisterOptions(ttl);
    }

    /** Options with {@link #DEFAULT_TTL}. */
    public static RegisterOptions defaults() {
        return new RegisterOptions(DEFAULT_TTL);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The time to live. */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterOptions other && ttl.equals(other.ttl);
    }

    @Override
    public int hashCode() {
        return ttl.hashCode();
    }

    @Override
    public String toString() {
        return "RegisterOptions[ttl=" + ttl + "]";
    }

    /** Builds {@link RegisterOptions}; not thread-safe. {@link #build()} checks the rules. */
    public static final class Builder {
        private Duration ttl = DEFAULT_TTL;

        private Builder() {
        }

        public Builder ttl(Duration value) {
            ttl = value;
            return this;
        }

        public RegisterOptions build() {
            return new RegisterOptions(ttl);
        }
    }
}

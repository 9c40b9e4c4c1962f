package io.microregistry.cache;

import io.microregistry.Backoff;
import io.microregistry.RegisterOptions;
import io.microregistry.metrics.RegistryObserver;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link CachingRegistry} follows the backend and rides out its faults. Build with
 * {@link #builder()}; fields will be added without breaking callers.
 *
 * <p>Immutable and thread-safe.
 */
public final class CacheOptions {

    /** {@link #unknownRecheck()} of {@link #DEFAULT}; kept for source compatibility. */
    public static final Duration DEFAULT_UNKNOWN_RECHECK = Duration.ofSeconds(1);

    /** Self-preservation on: hold a mass removal for {@link RegisterOptions#DEFAULT_TTL}; no periodic re-read. */
    public static final CacheOptions DEFAULT = builder().build();

    private final Backoff reopenBackoff;
    private final Duration resyncInterval;
    private final Duration unknownRecheck;
    private final Duration preservation;
    private final double massRemovalFraction;
    private final int massRemovalMinimum;
    private final Duration massRemovalWindow;
    private final RegistryObserver observer;

    private CacheOptions(Builder b) {
        this.reopenBackoff = b.reopenBackoff;
        this.resyncInterval = b.resyncInterval;
        this.unknownRecheck = b.unknownRecheck;
        this.preservation = b.preservation;
        this.massRemovalFraction = b.massRemovalFraction;
        this.massRemovalMinimum = b.massRemovalMinimum;
        this.massRemovalWindow = b.massRemovalWindow;
        this.observer = b.observer;
    }

    /** Source-compatible constructor of the former record; prefer {@link #builder()}. */
    public CacheOptions(Backoff reopenBackoff, Duration resyncInterval, Duration unknownRecheck) {
        this(builder().reopenBackoff(reopenBackoff).resyncInterval(resyncInterval).unknownRecheck(unknownRecheck));
    }

    /** Source-compatible constructor of the former record; prefer {@link #builder()}. */
    public CacheOptions(Backoff reopenBackoff, Duration resyncInterval) {
        this(reopenBackoff, resyncInterval, DEFAULT_UNKNOWN_RECHECK);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.reopenBackoff = reopenBackoff;
        b.resyncInterval = resyncInterval;
        b.unknownRecheck = unknownRecheck;
        b.preservation = preservation;
        b.massRemovalFraction = massRemovalFraction;
        b.massRemovalMinimum = massRemovalMinimum;
        b.massRemovalWindow = massRemovalWindow;
        b.observer = observer;
        return b;
    }

    /**
     * Kept for source compatibility: the cache no longer re-opens watches itself; the registry's
     * shared subscription re-opens with its own backoff.
     */
    public Backoff reopenBackoff() {
        return reopenBackoff;
    }

    /**
     * How often the cache re-reads the whole registry (one {@code listServices}) to repair drift;
     * {@link Duration#ZERO} (the default) never does, since the registry's subscription reports
     * its health and resyncs itself. One read per interval per cache, not per service.
     */
    public Duration resyncInterval() {
        return resyncInterval;
    }

    /**
     * Kept for source compatibility: the cache follows every service through one subscription, so
     * an unknown service costs no read at all and appears as soon as it is registered.
     */
    public Duration unknownRecheck() {
        return unknownRecheck;
    }

    /**
     * Self-preservation: how long, at most, nodes removed in a mass removal keep being served
     * while they come back; {@link Duration#ZERO} turns self-preservation off. Default: one
     * default TTL ({@link RegisterOptions#DEFAULT_TTL}).
     */
    public Duration preservation() {
        return preservation;
    }

    /**
     * Removals are a mass removal when, net of arrivals, they exceed this fraction (default 0.5) of
     * all nodes the cache served when the window began (see {@link CachingRegistry}).
     */
    public double massRemovalFraction() {
        return massRemovalFraction;
    }

    /** ... and number at least this many (default 2), so a lone node's death is never held. */
    public int massRemovalMinimum() {
        return massRemovalMinimum;
    }

    /**
     * ... within this window (default 500 ms) of the first of those removals. With self-preservation
     * on, every removal is applied this long after the backend reported it (or at the first lookup
     * after that), so that one death can be told from a mass removal: a dead node vanishes within
     * its TTL plus this window.
     */
    public Duration massRemovalWindow() {
        return massRemovalWindow;
    }

    /**
     * Where the cache, and the selectors over it, report their metrics; empty (the default) for the
     * {@link RegistryObserver#discover() observer found on the class path} when the cache is created.
     */
    public Optional<RegistryObserver> observer() {
        return Optional.ofNullable(observer);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheOptions other && reopenBackoff.equals(other.reopenBackoff)
                && resyncInterval.equals(other.resyncInterval) && unknownRecheck.equals(other.unknownRecheck)
                && preservation.equals(other.preservation) && massRemovalFraction == other.massRemovalFraction
                && massRemovalMinimum == other.massRemovalMinimum && massRemovalWindow.equals(other.massRemovalWindow)
                && Objects.equals(observer, other.observer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reopenBackoff, resyncInterval, unknownRecheck, preservation,
                massRemovalFraction, massRemovalMinimum, massRemovalWindow, observer);
    }

    @Override
    public String toString() {
        return "CacheOptions[resyncInterval=" + resyncInterval + ", preservation=" + preservation
                + ", massRemoval=>" + massRemovalFraction + " and >=" + massRemovalMinimum + " within "
                + massRemovalWindow + "]";
    }

    /** Builds {@link CacheOptions}; not thread-safe. Each setter checks its argument. */
    public static final class Builder {
        private Backoff reopenBackoff = Backoff.DEFAULT;
        private Duration resyncInterval = Duration.ZERO;
        private Duration unknownRecheck = DEFAULT_UNKNOWN_RECHECK;
        private Duration preservation = RegisterOptions.DEFAULT_TTL;
        private double massRemovalFraction = 0.5;
        private int massRemovalMinimum = 2;
        private Duration massRemovalWindow = Duration.ofMillis(500);
        private RegistryObserver observer;

        private Builder() {
        }

        /**
         * Reports this cache's metrics (and its selectors') to {@code observer} instead of the one
         * found on the class path; {@link RegistryObserver#none()} for none. See {@link CacheOptions#observer()}.
         */
        public Builder observer(RegistryObserver observer) {
            if (observer == null) {
                throw new IllegalArgumentException("observer must not be null");
            }
            this.observer = observer;
            return this;
        }

        public Builder reopenBackoff(Backoff backoff) {
            if (backoff == null) {
                throw new IllegalArgumentException("reopenBackoff must not be null");
            }
            this.reopenBackoff = backoff;
            return this;
        }

        public Builder resyncInterval(Duration interval) {
            this.resyncInterval = nonNegative("resyncInterval", interval);
            return this;
        }

        public Builder unknownRecheck(Duration interval) {
            this.unknownRecheck = nonNegative("unknownRecheck", interval);
            return this;
        }

        /** See {@link CacheOptions#preservation()}; zero turns self-preservation off. */
        public Builder preservation(Duration hold) {
            this.preservation = nonNegative("preservation", hold);
            return this;
        }

        /** Turns self-preservation off. */
        public Builder noPreservation() {
            return preservation(Duration.ZERO);
        }

        public Builder massRemoval(double fraction, int minimum, Duration window) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("massRemovalFraction must be in [0, 1), was " + fraction);
            }
            if (minimum < 1) {
                throw new IllegalArgumentException("massRemovalMinimum must be at least 1, was " + minimum);
            }
            this.massRemovalWindow = nonNegative("massRemovalWindow", window);
            this.massRemovalFraction = fraction;
            this.massRemovalMinimum = minimum;
            return this;
        }

        public CacheOptions build() {
            return new CacheOptions(this);
        }

        private static Duration nonNegative(String field, Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(field + " must be zero or positive");
            }
            return value;
        }
    }
}

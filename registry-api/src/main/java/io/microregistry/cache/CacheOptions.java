package io.microregistry.cache;

import io.microregistry.backend.Backoff;

import java.time.Duration;

/**
 * How a {@link CachingRegistry} recovers.
 *
 * <p>Immutable and thread-safe.
 *
 * @param reopenBackoff  delays between attempts to re-open a broken watch and resync
 * @param resyncInterval how long a service's watch may stay quiet before the cache re-reads
 *                       the service to check it is still current (and to notice an outage that
 *                       the watch itself rides out silently); {@link Duration#ZERO} never re-reads
 * @param unknownRecheck how often, at most, a lookup of a service that had no node when first
 *                       looked up re-reads the backend; such a service is not watched (no watch,
 *                       no thread), so this bounds how late the cache notices it once registered
 */
public record CacheOptions(Backoff reopenBackoff, Duration resyncInterval, Duration unknownRecheck) {

    /** {@link #unknownRecheck()} of {@link #DEFAULT} and of the two-argument constructor. */
    public static final Duration DEFAULT_UNKNOWN_RECHECK = Duration.ofSeconds(1);

    /**
     * Re-open with {@link Backoff#DEFAULT} (100 ms to 5 s); re-read a quiet service every 30 s;
     * re-read an unknown service at most every second.
     */
    public static final CacheOptions DEFAULT = new CacheOptions(Backoff.DEFAULT, Duration.ofSeconds(30));

    public CacheOptions {
        if (reopenBackoff == null) {
            throw new IllegalArgumentException("reopenBackoff must not be null");
        }
        if (resyncInterval == null || resyncInterval.isNegative()) {
            throw new IllegalArgumentException("resyncInterval must be zero or positive");
        }
        if (unknownRecheck == null || unknownRecheck.isNegative()) {
            throw new IllegalArgumentException("unknownRecheck must be zero or positive");
        }
    }

    /** Options with {@link #DEFAULT_UNKNOWN_RECHECK}. */
    public CacheOptions(Backoff reopenBackoff, Duration resyncInterval) {
        this(reopenBackoff, resyncInterval, DEFAULT_UNKNOWN_RECHECK);
    }
}

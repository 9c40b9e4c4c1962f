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
 */
public record CacheOptions(Backoff reopenBackoff, Duration resyncInterval) {

    /** Re-open with {@link Backoff#DEFAULT} (100 ms to 5 s); re-read a quiet service every 30 s. */
    public static final CacheOptions DEFAULT = new CacheOptions(Backoff.DEFAULT, Duration.ofSeconds(30));

    public CacheOptions {
        if (reopenBackoff == null) {
            throw new IllegalArgumentException("reopenBackoff must not be null");
        }
        if (resyncInterval == null || resyncInterval.isNegative()) {
            throw new IllegalArgumentException("resyncInterval must be zero or positive");
        }
    }
}

package io.microregistry.cache;

import io.microregistry.RegistryException;

import java.time.Instant;
import java.util.Optional;

/**
 * How current a cached service is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state       loaded or not, current or stale
 * @param since       when the cache entered this state; {@link Instant#EPOCH} for {@link State#NOT_LOADED}
 * @param lastFailure while {@link State#STALE}, the backend trouble that made it so; empty otherwise
 */
public record CacheStatus(State state, Instant since, Optional<RegistryException> lastFailure) {

    /** Where a cached service stands. */
    public enum State {
        /** Never looked up, or its first read failed: lookups go to the backend. */
        NOT_LOADED,
        /**
         * Loaded and its watch is open: lookups reflect the backend within the watch's delay. For
         * a service with no node when first looked up (not watched): its last re-read worked.
         */
        CURRENT,
        /**
         * The backend could not be reached (watch broken, re-read failed): lookups serve the last
         * snapshot that was read, while the cache keeps trying to reconnect and resync.
         */
        STALE
    }

    static final CacheStatus NOT_LOADED = new CacheStatus(State.NOT_LOADED, Instant.EPOCH, Optional.empty());

    public CacheStatus {
        if (state == null || since == null || lastFailure == null) {
            throw new IllegalArgumentException("state, since and lastFailure must not be null");
        }
    }

    /** Whether lookups may be serving an outdated snapshot. */
    public boolean isStale() {
        return state == State.STALE;
    }
}

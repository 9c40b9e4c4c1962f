package io.microregistry.cache;

import io.microregistry.RegistryException;

import java.time.Instant;
import java.util.Optional;

/**
 * How current a cached service is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state       loaded or not, current, resyncing, stale or degraded
 * @param since       when the cache entered this state; {@link Instant#EPOCH} for {@link State#NOT_LOADED}
 * @param lastFailure while not {@link State#CURRENT}, the cause: the backend trouble that made it
 *                    so, or for {@link State#DEGRADED} the reason nodes are being held; empty otherwise
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
        STALE,
        /**
         * The cache's watch broke or fell behind and is re-reading the backend; lookups serve the
         * last good snapshot until the difference arrives.
         */
        RESYNCING,
        /**
         * Self-preservation: most of the service's nodes vanished at once (the backend lost its
         * data, not the nodes their lives), so the cache keeps serving them for up to
         * {@link CacheOptions#preservation()} while they come back; see {@link CachingRegistry}.
         */
        DEGRADED
    }

    static final CacheStatus NOT_LOADED = new CacheStatus(State.NOT_LOADED, Instant.EPOCH, Optional.empty());

    public CacheStatus {
        if (state == null || since == null || lastFailure == null) {
            throw new IllegalArgumentException("state, since and lastFailure must not be null");
        }
    }

    /**
     * Whether lookups may be serving an outdated snapshot: {@link State#STALE}, {@link State#RESYNCING}
     * or {@link State#DEGRADED}.
     */
    public boolean isStale() {
        return state == State.STALE || state == State.RESYNCING || state == State.DEGRADED;
    }
}

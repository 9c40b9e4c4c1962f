package io.microregistry;

import java.time.Instant;
import java.util.Optional;

/**
 * How current a watch, subscription or cached view is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state what the view can be trusted for
 * @param since when it entered this state
 * @param cause while not {@link State#CURRENT}, the backend trouble that made it so, if any
 */
public record WatchStatus(State state, Instant since, Optional<RegistryException> cause) {

    /** Where a view stands. */
    public enum State {
        /** Following the backend: every change is delivered within the backend's watch delay. */
        CURRENT,
        /**
         * The backend's watch broke or fell behind (outage, compaction, wiped server); the view
         * is being re-read and the difference will be delivered as events. Until then it is the
         * last good view.
         */
        RESYNCING,
        /**
         * The backend cannot be followed (unreachable, refused, or the resync cannot complete);
         * the view is the last good one, and the client keeps trying with backoff.
         */
        STALE
    }

    public WatchStatus {
        if (state == null || since == null || cause == null) {
            throw new IllegalArgumentException("state, since and cause must not be null");
        }
    }

    /** {@link State#CURRENT} since now. */
    public static WatchStatus current() {
        return new WatchStatus(State.CURRENT, Instant.now(), Optional.empty());
    }

    /** The given state since now, with an optional cause. */
    public static WatchStatus of(State state, RegistryException cause) {
        return new WatchStatus(state, Instant.now(), Optional.ofNullable(cause));
    }

    /** Whether the view may be outdated. */
    public boolean isCurrent() {
        return state == State.CURRENT;
    }
}

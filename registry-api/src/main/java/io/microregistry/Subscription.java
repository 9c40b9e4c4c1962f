package io.microregistry;

/**
 * A push-style follow of registry changes, opened with
 * {@link Registry#subscribe(WatchOptions, WatchListener)}.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread, including from
 * inside the listener. <b>Blocking:</b> none of these methods block.
 */
public interface Subscription extends AutoCloseable {

    /** Whether the view this subscription delivers is current, being resynchronised, or stale. */
    WatchStatus status();

    /** Whether {@link #close()} was called or the owning registry closed. */
    boolean isClosed();

    /**
     * Stops delivery. A listener call in progress completes; no further call starts.
     * Idempotent, non-blocking.
     */
    @Override
    void close();
}

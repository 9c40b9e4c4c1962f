package io.microregistry;

import java.time.Duration;
import java.util.Optional;

/**
 * A stream of registry changes, read one event at a time.
 *
 * <p><b>Thread-safety:</b> {@link #stop()} may be called from any thread, and unblocks a
 * thread waiting in {@code next}. {@code next} is meant for one consuming thread at a time.
 *
 * <p>Events are never dropped while the watcher is open: they queue until read. After
 * {@link #stop()} (or the owning registry's close), queued events are discarded and
 * {@code next} throws {@link WatcherStoppedException}.
 */
public interface Watcher extends AutoCloseable {

    /**
     * Blocks until the next event.
     *
     * @throws WatcherStoppedException if the watcher is or becomes stopped
     * @throws InterruptedException    if the waiting thread is interrupted
     */
    WatchEvent next() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the next event.
     *
     * @return the event, or empty if none arrived in time
     * @throws WatcherStoppedException if the watcher is or becomes stopped
     * @throws InterruptedException    if the waiting thread is interrupted
     */
    Optional<WatchEvent> next(Duration timeout) throws InterruptedException;

    /** Stops the watcher and releases its resources. Idempotent, non-blocking. */
    void stop();

    /** Whether {@link #stop()} has been called or the owning registry closed. */
    boolean isStopped();

    /**
     * Whether this watcher is following the backend ({@link WatchStatus.State#CURRENT}), re-reading
     * it after a break ({@link WatchStatus.State#RESYNCING}), or unable to follow it
     * ({@link WatchStatus.State#STALE}, with the cause). Non-blocking. The default, for watchers
     * that cannot tell, always answers CURRENT; every backend of this project overrides it.
     */
    default WatchStatus status() {
        return WatchStatus.current();
    }

    /** Same as {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }
}

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

    /** Same as {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }
}

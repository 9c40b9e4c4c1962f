package io.microregistry.config;

import io.microregistry.WatchStatus;
import io.microregistry.WatcherStoppedException;

import java.time.Duration;
import java.util.Optional;

/**
 * A pull-style stream of config changes, the blocking twin of {@link ConfigListener}.
 *
 * <p><b>Thread-safety:</b> {@link #stop()} may be called from any thread and unblocks a
 * waiting {@code next}; {@code next} is for one consuming thread at a time. Changes queue
 * until read while the watcher is open.
 */
public interface ConfigWatcher extends AutoCloseable {

    /**
     * Blocks until the next change.
     *
     * @throws WatcherStoppedException if the watcher is or becomes stopped
     */
    ConfigChange next() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the next change; empty if none came.
     *
     * @throws WatcherStoppedException if the watcher is or becomes stopped
     */
    Optional<ConfigChange> next(Duration timeout) throws InterruptedException;

    /** Whether the watcher follows the backend now. Non-blocking. */
    WatchStatus status();

    /** Stops the watcher. Idempotent, non-blocking. */
    void stop();

    /** Whether {@link #stop()} was called or the owning config closed. */
    boolean isStopped();

    @Override
    default void close() {
        stop();
    }
}

package io.microregistry.config;

import io.microregistry.WatchStatus;

/**
 * A push-style follow of a key or prefix, opened with {@link Config#subscribe}.
 *
 * <p>Thread-safe; no method blocks.
 */
public interface ConfigSubscription extends AutoCloseable {

    /** Whether the subscription follows the backend now. */
    WatchStatus status();

    /** Whether it was closed. */
    boolean isClosed();

    /** Stops delivery; a listener call in progress completes. Idempotent. */
    @Override
    void close();
}

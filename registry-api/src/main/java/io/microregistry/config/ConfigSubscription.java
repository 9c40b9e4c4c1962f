package io.microregistry.config;

import io.microregistry.WatchStatus;

/**
 * A push-style follow of a key or prefix, opened with {@link Config#subscribe}.
 *
 * <p>Thread-safe; no method blocks. Changes not yet taken by a slow listener are bounded:
 * beyond 1,024 pending calls they are coalesced per key, latest wins (see
 * {@link ConfigListener}).
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

package io.microregistry.backend;

/**
 * A running {@link RegistryStore#watch}: {@link #close()} stops it and releases what it holds on
 * the backend. Idempotent, non-blocking, never throws. No push starts once it has returned; one
 * already under way on another of the store's threads may still complete (the core ignores it).
 * It must not wait for such a push: the core may hold the lock that push is waiting for.
 */
public interface PrefixWatch extends AutoCloseable {
    @Override
    void close();
}

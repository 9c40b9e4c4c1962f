package io.microregistry.backend;

/**
 * A running {@link RegistryStore#watch}: {@link #close()} stops it and releases what it holds on
 * the backend. Idempotent, non-blocking, never throws; nothing is pushed once it returns.
 */
public interface PrefixWatch extends AutoCloseable {
    @Override
    void close();
}

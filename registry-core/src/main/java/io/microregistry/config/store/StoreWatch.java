package io.microregistry.config.store;

/** A running {@link ConfigStore#watch}. {@link #close()} is idempotent and non-blocking. */
public interface StoreWatch extends AutoCloseable {
    @Override
    void close();
}

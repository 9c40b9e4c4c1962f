package io.microregistry.config.store;

import io.microregistry.config.ConfigEntry;

import java.util.Optional;

/**
 * What a backend implements for the config center: a small key-value store under its config
 * root. Everything else (validation, subscriptions, resume after outages, views, layering,
 * the last-known-good file, typed reads) is the core's, in {@link io.microregistry.config}.
 *
 * <p>Keys and prefixes arrive already validated ({@link io.microregistry.config.ConfigKeys})
 * and relative to the root; the store maps them to its own layout and back, and writes
 * nothing outside its root. A prefix is {@code ""} or ends with {@code /}, or is an exact key
 * (when a single key is watched): the store may return more than asked, never less; the core
 * filters.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. <b>Blocking:</b>
 * every method but {@link #watch} blocks for at most the configured timeout. <b>Failures:</b>
 * {@link io.microregistry.RegistryException} subclasses with the cause, never a client's raw
 * exception.
 */
public interface ConfigStore extends AutoCloseable {

    /** The provider name, for messages ({@code "etcd"}). */
    String name();

    /** The entry at {@code key}, or empty. */
    Optional<ConfigEntry> get(String key);

    /** Every entry under {@code prefix}, with the backend's revision as of the read. */
    StoreListing list(String prefix);

    /** Creates or replaces. */
    void put(String key, byte[] value);

    /** Writes only if the entry is at {@code version}; false on conflict (including absent). */
    boolean putIfVersion(String key, byte[] value, long version);

    /** Writes only if the key is absent; false if it exists. */
    boolean putIfAbsent(String key, byte[] value);

    /** Deletes; whether something was there. */
    boolean delete(String key);

    /**
     * Starts following {@code prefix}, delivering everything that happened after
     * {@code afterRevision} (a revision from {@link #list} or a delivered change) to
     * {@code listener}: as ordered {@link StoreWatchListener#onChanges changes} when the
     * backend keeps history, else as a {@link StoreWatchListener#onListing listing} the core
     * compares with what it has. Non-blocking: returns at once, delivery is asynchronous and
     * sequential. When the watch breaks the store calls
     * {@link StoreWatchListener#onTrouble} once and delivers nothing more; the core retries
     * with backoff by calling {@code watch} again.
     */
    StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener);

    /** Releases the client. Idempotent. */
    @Override
    void close();
}

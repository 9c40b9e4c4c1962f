package io.microregistry.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A client of the config center: key-value configuration under one root on the backend that
 * {@code MICRO_REGISTRY} picks ({@link Configs#fromEnvironment()}).
 *
 * <p>Keys and prefixes follow {@link ConfigKeys}; a bad one throws
 * {@link IllegalArgumentException} naming the rule before anything is sent. Values are bytes
 * (at most {@link ConfigKeys#MAX_VALUE_BYTES}); text is UTF-8.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. <b>Blocking:</b>
 * reads and writes block for at most the configured timeout; {@link #subscribe},
 * {@link #watch} and {@link #view} block only for their first read. <b>Failures:</b> backend
 * trouble is a {@link io.microregistry.RegistryException} subclass with the cause; after
 * {@link #close()} every call throws {@link IllegalStateException}.
 */
public interface Config extends ConfigReads, AutoCloseable {

    /** The provider name ({@code etcd}, {@code consul}, {@code zookeeper}, {@code memory}). */
    String backend();

    /** The entry at {@code key}, or empty. */
    @Override
    Optional<ConfigEntry> get(String key);

    /** The entries under {@code prefix} (a directory: {@code app} lists {@code app/...}, not {@code app2/...}), sorted by key. */
    List<ConfigEntry> list(String prefix);

    /** Creates or replaces. */
    void put(String key, byte[] value);

    /** Creates or replaces with UTF-8 text. */
    default void put(String key, String text) {
        put(key, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Compare-and-set: writes only if the entry is still at {@code version} (from
     * {@link ConfigEntry#version()}). Of several writers racing from one version, exactly one
     * succeeds.
     *
     * @return false on conflict (changed, or deleted)
     */
    boolean putIfVersion(String key, byte[] value, long version);

    /** Creates only if absent; false if the key exists. */
    boolean putIfAbsent(String key, byte[] value);

    /** Deletes the key (not its children); whether it existed. */
    boolean delete(String key);

    /**
     * Follows the single key {@code key}: snapshot (zero or one entry), then its changes.
     */
    ConfigSubscription subscribeKey(String key, ConfigListener listener);

    /** Follows every key under the directory {@code prefix} ({@code ""} for all). */
    ConfigSubscription subscribe(String prefix, ConfigListener listener);

    /** Pull-style watch of every key under {@code prefix}: changes after the moment of the call. */
    ConfigWatcher watch(String prefix);

    /** Pull-style watch of the single key {@code key}. */
    ConfigWatcher watchKey(String key);

    /**
     * A live, in-memory view of a prefix (or of layered prefixes), kept current by a
     * subscription. Blocks for the first read, or starts from the last-known-good file when
     * the backend is unreachable and a file is configured.
     */
    ConfigView view(ViewOptions options);

    /** A live view of one prefix. */
    default ConfigView view(String prefix) {
        return view(ViewOptions.prefix(prefix));
    }

    /** Stops every subscription, watcher and view of this client and releases the backend client. Idempotent. */
    @Override
    void close();
}

package io.microregistry.config;

import io.microregistry.WatchStatus;

import java.util.Map;
import java.util.Optional;

/**
 * The current values of a prefix (or layered prefixes) held in memory and kept up to date by
 * a subscription. Reads never touch the backend.
 *
 * <p>Keys are relative to the layers: in a view of {@code app/}, {@code get("db/url")} reads
 * {@code app/db/url}; with layers, the first layer holding the key wins.
 *
 * <p><b>Thread-safety:</b> all methods may be called from any thread and never block.
 * <b>Staleness:</b> {@link #status()} says whether the view follows the backend; a view
 * started from its last-known-good file is STALE with the cause until it has caught up.
 */
public interface ConfigView extends ConfigReads, AutoCloseable {

    /** The winning entry for the relative {@code key}; its {@link ConfigEntry#key()} is the full key. */
    @Override
    Optional<ConfigEntry> get(String key);

    /** Every relative key with its winning entry. */
    Map<String, ConfigEntry> entries();

    /** Whether the view follows the backend now (the worst of its layers). */
    WatchStatus status();

    /** Called after each change the view applies (on the view's thread, one call at a time). */
    void onChange(Runnable callback);

    /** Stops following. Idempotent. */
    @Override
    void close();
}

package io.microregistry.config;

import java.util.Optional;

/**
 * One change under a watched key or prefix, as the backend applied it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type     what happened
 * @param key      the key, relative to the config root
 * @param entry    for {@link Type#PUT}, the new entry (value and version); empty for a delete
 * @param revision the backend's order of this change (see {@link ConfigEntry#revision()})
 */
public record ConfigChange(Type type, String key, Optional<ConfigEntry> entry, long revision) {

    /** Kinds of change. */
    public enum Type {
        /** Created or updated. */
        PUT,
        /** Deleted. */
        DELETE
    }

    public ConfigChange {
        if (type == null || key == null || entry == null) {
            throw new IllegalArgumentException("type, key and entry must not be null");
        }
        if ((type == Type.PUT) != entry.isPresent()) {
            throw new IllegalArgumentException("a PUT carries its entry, a DELETE none");
        }
    }

    /** A put of {@code entry}, ordered by its revision. */
    public static ConfigChange put(ConfigEntry entry) {
        return new ConfigChange(Type.PUT, entry.key(), Optional.of(entry), entry.revision());
    }

    /** A delete of {@code key} at {@code revision}. */
    public static ConfigChange delete(String key, long revision) {
        return new ConfigChange(Type.DELETE, key, Optional.empty(), revision);
    }

    /** The new value as UTF-8 text, empty for a delete. */
    public Optional<String> text() {
        return entry.map(ConfigEntry::text);
    }
}

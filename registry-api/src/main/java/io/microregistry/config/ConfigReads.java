package io.microregistry.config;

import io.microregistry.internal.CoreServices;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed, defaulted reads over anything that can {@link #get(String)} an entry: a
 * {@link Config} (a backend call per read) or a {@link ConfigView} (memory).
 *
 * <p>A missing key gives the default. A present value that does not parse as the asked type
 * is never replaced by the default quietly: it throws {@link IllegalArgumentException} naming
 * the key, the value and the expected form. Surrounding whitespace is ignored for numbers,
 * booleans and durations.
 */
public interface ConfigReads {

    /** The entry at {@code key}, or empty. */
    Optional<ConfigEntry> get(String key);

    /** The value as UTF-8 text, or {@code defaultValue}. */
    default String getString(String key, String defaultValue) {
        return get(key).map(ConfigEntry::text).orElse(defaultValue);
    }

    /** The value as a decimal int, or {@code defaultValue}. */
    default int getInt(String key, int defaultValue) {
        return get(key).map(e -> TypedValue.number(key, e.text().trim(), Integer::parseInt, "a decimal int"))
                .orElse(defaultValue);
    }

    /** The value as a decimal long, or {@code defaultValue}. */
    default long getLong(String key, long defaultValue) {
        return get(key).map(e -> TypedValue.number(key, e.text().trim(), Long::parseLong, "a decimal long"))
                .orElse(defaultValue);
    }

    /** {@code true} or {@code false} (any case), or {@code defaultValue}. */
    default boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> text = get(key).map(e -> e.text().trim().toLowerCase(Locale.ROOT));
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw TypedValue.malformed(key, text.get(), "true or false", null);
        };
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}), or {@code defaultValue}. */
    default Duration getDuration(String key, Duration defaultValue) {
        return get(key).map(e -> TypedValue.duration(key, e.text().trim())).orElse(defaultValue);
    }

    /**
     * The value as JSON bound to {@code type} with Jackson (unknown properties fail), or empty
     * when the key is missing. Jackson comes with {@code registry-core} at run time; an
     * application compiles this call without it.
     */
    default <T> Optional<T> getJson(String key, Class<T> type) {
        Optional<ConfigEntry> entry = get(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(CoreServices.get().readJson(entry.get().value(), type));
        } catch (java.io.IOException e) {
            throw TypedValue.malformed(key, entry.get().text(), "JSON of " + type.getSimpleName(), e);
        }
    }

    /** The JSON value bound to {@code type}, or {@code defaultValue}. */
    default <T> T getJson(String key, Class<T> type, T defaultValue) {
        return getJson(key, type).orElse(defaultValue);
    }
}

package io.microregistry.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/** Parsing shared by the typed reads of {@link ConfigReads}. Stateless. */
final class TypedValue {
    private TypedValue() {
    }

    static IllegalArgumentException malformed(String key, String value, String expected, Throwable cause) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        return new IllegalArgumentException("config key '" + key + "': value '" + shown + "' is not " + expected, cause);
    }

    /** {@code value} parsed by {@code parse}, or the malformed-value error saying it is not {@code expected}. */
    static <T> T number(String key, String value, Function<String, T> parse, String expected) {
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw malformed(key, value, expected, e);
        }
    }

    static Duration duration(String key, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(value);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw malformed(key, value, "a duration (250ms, 5s, 2m, 1h or PT5S)", e);
        }
        throw malformed(key, value, "a duration (250ms, 5s, 2m, 1h or PT5S)", null);
    }
}

package io.microregistry;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one duration syntax of this library, shared by the {@code MICRO_REGISTRY_*} environment,
 * backend settings and the {@code micro-registry} command: {@code 500ms}, {@code 15s}, {@code 2m},
 * {@code 1h}, or ISO-8601 ({@code PT15S}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code value}.
     *
     * @param field what is being read, named in the error (e.g. {@code MICRO_REGISTRY_TIMEOUT})
     * @throws IllegalArgumentException naming {@code field} if {@code value} is null, blank or not a duration
     */
    public static Duration parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must be a duration (500ms, 15s, 2m, 1h or PT15S), was empty");
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(value.trim());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(field + " must look like 500ms, 15s, 2m, 1h or PT15S, was '" + value + "'", e);
        }
    }
}

package io.microregistry.cli;

import io.microregistry.Durations;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Reads a duration with {@link Durations}, the syntax the {@code MICRO_REGISTRY_TIMEOUT} variable
 * accepts too ({@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h} or {@code PT15S}). Stateless and thread-safe.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse("duration", value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration; use e.g. 500ms, 15s, 2m, 1h or PT15S");
        }
    }
}

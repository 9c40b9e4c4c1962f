package io.microregistry.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsTheShortFormsAndIso() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert(" 10S ")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rejectsAnythingElseNamingTheValue() {
        for (String bad : new String[] {"", "s", "15", "fast", "1.5s", "P1X"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "' is not a duration");
        }
    }
}

package io.microregistry.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ConfigKeysTest {

    @Test
    void prefixesAreDirectories() {
        assertThat(ConfigKeys.prefix("")).isEmpty();
        assertThat(ConfigKeys.prefix("app")).isEqualTo("app/");
        assertThat(ConfigKeys.prefix("app/")).isEqualTo("app/");
        assertThat(ConfigKeys.prefix("config/app,dev")).isEqualTo("config/app,dev/");
        assertThatThrownBy(() -> ConfigKeys.prefix("/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKeys.prefix("app//")).hasMessageContaining("empty segment");
    }

    @Test
    void keysFollowTheRules() {
        assertThat(ConfigKeys.key("a/b,c=d/日本/😀")).isEqualTo("a/b,c=d/日本/😀");
        assertThatThrownBy(() -> ConfigKeys.key("a/\u0085")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> ConfigKeys.key("a/..")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> ConfigKeys.key(null)).hasMessageContaining("null");
        assertThat(ConfigKeys.value("k", new byte[ConfigKeys.MAX_VALUE_BYTES])).hasSize(ConfigKeys.MAX_VALUE_BYTES);
        assertThatThrownBy(() -> ConfigKeys.value("k", new byte[ConfigKeys.MAX_VALUE_BYTES + 1]))
                .hasMessageContaining("524288");
    }

    @Test
    void typedReadsParseDurationsAndRefuseGarbage() {
        ConfigReads reads = key -> Optional.of(new ConfigEntry(key, key.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, 1));
        assertThat(reads.getDuration("2m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(reads.getDuration("1h", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
        assertThat(reads.getDuration("PT0.5S", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> reads.getDuration("soon", Duration.ZERO)).hasMessageContaining("'soon'")
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> reads.getLong("12x", 0)).hasMessageContaining("long");
    }
}

package io.microregistry.backend;

import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigReads;
import io.microregistry.internal.CoreServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** registry-api reaches this module through ServiceLoader: the registration must be there and work. */
@Timeout(30)
class ToolkitServicesTest {

    record Pool(String url, int size) {
    }

    @Test
    void theApiFindsThisModuleThroughServiceLoader() {
        assertThat(CoreServices.get()).isInstanceOf(ToolkitServices.class);
    }

    @Test
    void typedJsonReadsOfTheApiBindWithJacksonFromHere() {
        Map<String, String> values = Map.of("pool", "{\"url\":\"db:5432\",\"size\":4}", "bad", "{\"url\":1,\"x\":2}");
        ConfigReads reads = key -> Optional.ofNullable(values.get(key))
                .map(v -> new ConfigEntry(key, v.getBytes(StandardCharsets.UTF_8), 1, 1));
        assertThat(reads.getJson("pool", Pool.class)).contains(new Pool("db:5432", 4));
        assertThat(reads.getJson("missing", Pool.class)).isEmpty();
        assertThatThrownBy(() -> reads.getJson("bad", Pool.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config key 'bad'");
    }
}

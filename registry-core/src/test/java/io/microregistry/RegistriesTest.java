package io.microregistry;

import io.microregistry.memory.MemoryRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistriesTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty("micro.registry");
    }

    @Test
    void memoryIsTheDefault() {
        try (Registry registry = Registries.fromEnvironment()) {
            assertThat(registry).isInstanceOf(MemoryRegistry.class);
        }
    }

    @Test
    void theSystemPropertyPicksTheProviderCaseInsensitively() {
        System.setProperty("micro.registry", " Memory ");
        try (Registry registry = Registries.fromEnvironment()) {
            assertThat(registry).isInstanceOf(MemoryRegistry.class);
        }
    }

    @Test
    void anUnknownNameListsWhatIsThere() {
        assertThatThrownBy(() -> Registries.open("etcdd", RegistryConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'etcdd'")
                .hasMessageContaining("found: memory, twin");
    }

    @Test
    void twoProvidersWithOneNameAreNamedBoth() {
        assertThatThrownBy(() -> Registries.open("twin", RegistryConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TwinProviders.First.class.getName())
                .hasMessageContaining(TwinProviders.Second.class.getName());
    }

    @Test
    void providerNamesAreSorted() {
        assertThat(Registries.providerNames()).containsExactly("memory", "twin");
    }

    @Test
    void configReadsTheEnvironmentAndPropertiesWin() {
        Properties properties = new Properties();
        properties.setProperty("micro.registry.address", "127.0.0.1:1, 127.0.0.1:2");
        properties.setProperty("micro.registry.timeout", "750ms");
        Map<String, String> env = Map.of(
                "MICRO_REGISTRY_ADDRESS", "ignored:1",
                "MICRO_REGISTRY_USERNAME", "root",
                "MICRO_REGISTRY_PASSWORD", "secret",
                "MICRO_REGISTRY_TOKEN", "t0k",
                "MICRO_REGISTRY_TLS_CA", "/ca.pem");

        RegistryConfig config = RegistryConfig.fromEnvironment(env, properties);

        assertThat(config.addresses()).containsExactly("127.0.0.1:1", "127.0.0.1:2");
        assertThat(config.username()).isEqualTo("root");
        assertThat(config.password()).isEqualTo("secret");
        assertThat(config.token()).isEqualTo("t0k");
        assertThat(config.tlsCa()).isEqualTo(Path.of("/ca.pem"));
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.tls()).isTrue();
    }

    @Test
    void configDefaultsAndRejectsNonsense() {
        RegistryConfig config = RegistryConfig.fromEnvironment(Map.of(), new Properties());
        assertThat(config.addresses()).isEmpty();
        assertThat(config.timeout()).isEqualTo(RegistryConfig.DEFAULT_TIMEOUT);
        assertThat(config.tls()).isFalse();
        assertThatThrownBy(() -> RegistryConfig.fromEnvironment(Map.of("MICRO_REGISTRY_TIMEOUT", "soon"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MICRO_REGISTRY_TIMEOUT");
        assertThatThrownBy(() -> RegistryConfig.defaults().withTls(null, Path.of("c"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsKey");
        assertThat(RegistryConfig.of("a:1", " ", "b:2").addresses()).isEqualTo(List.of("a:1", "b:2"));
    }
}

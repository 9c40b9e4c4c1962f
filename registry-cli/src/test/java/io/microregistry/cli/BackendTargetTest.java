package io.microregistry.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendTargetTest {
    private static final Map<String, String> ENV = Map.of(
            "MICRO_REGISTRY", "consul",
            "MICRO_REGISTRY_ADDRESS", "10.0.0.1:8500,10.0.0.2:8500",
            "MICRO_REGISTRY_TOKEN", "secret",
            "MICRO_REGISTRY_TIMEOUT", "3s");

    @Test
    void environmentAloneChoosesBackendAndConfiguration() {
        BackendTarget target = BackendTarget.resolve(null, null, null, ENV, new Properties());

        assertThat(target.provider()).isEqualTo("consul");
        assertThat(target.config().addresses()).containsExactly("10.0.0.1:8500", "10.0.0.2:8500");
        assertThat(target.config().token()).isEqualTo("secret");
        assertThat(target.config().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(target.describe()).isEqualTo("consul at 10.0.0.1:8500,10.0.0.2:8500");
    }

    @Test
    void systemPropertiesOverrideTheEnvironmentAndFlagsOverrideBoth() {
        Properties properties = new Properties();
        properties.setProperty("micro.registry", "zookeeper");
        properties.setProperty("micro.registry.address", "127.0.0.1:2181");

        BackendTarget fromProperties = BackendTarget.resolve(null, List.of(), null, ENV, properties);
        assertThat(fromProperties.provider()).isEqualTo("zookeeper");
        assertThat(fromProperties.config().addresses()).containsExactly("127.0.0.1:2181");

        BackendTarget fromFlags = BackendTarget.resolve(" ETCD ", List.of("127.0.0.1:2379"), Duration.ofMillis(700),
                ENV, properties);
        assertThat(fromFlags.provider()).isEqualTo("etcd");
        assertThat(fromFlags.config().addresses()).containsExactly("127.0.0.1:2379");
        assertThat(fromFlags.config().timeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(fromFlags.config().token()).as("settings without a flag still come from the environment")
                .isEqualTo("secret");
    }

    @Test
    void nothingSetMeansTheEmbeddedMemoryRegistry() {
        BackendTarget target = BackendTarget.resolve(null, null, null, Map.of(), new Properties());

        assertThat(target.provider()).isEqualTo("memory");
        assertThat(target.inProcess()).isTrue();
        assertThat(target.describe()).isEqualTo("memory (inside this process)");
    }

    @Test
    void aBackendWithoutAddressIsNamedWithItsUsualPort() {
        assertThat(BackendTarget.resolve("etcd", null, null, Map.of(), new Properties()).describe())
                .isEqualTo("etcd at 127.0.0.1:2379 (default)");
    }

    @Test
    void anUnknownProviderFailsWhenOpenedNamingIt() {
        BackendTarget target = BackendTarget.resolve("nosuch", null, null, Map.of(), new Properties());

        assertThatThrownBy(target::open).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nosuch'");
    }
}

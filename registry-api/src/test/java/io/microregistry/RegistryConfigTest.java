package io.microregistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options that grow: builders beside the old factories, backend settings, one duration syntax. */
@Timeout(10)
class RegistryConfigTest {

    @Test
    void backendSettingsComeFromTheEnvironmentWithPropertiesWinningAndFieldsLeftOut() {
        Properties properties = new Properties();
        properties.setProperty("micro.registry.consul.datacenter", "dc-prop");
        RegistryConfig config = RegistryConfig.fromEnvironment(Map.of(
                "MICRO_REGISTRY_CONSUL_DATACENTER", "dc-env",
                "MICRO_REGISTRY_ETCD_PAGE_SIZE", "500",
                "MICRO_REGISTRY_TLS_CA", "/ca.pem",
                "MICRO_REGISTRY_TIMEOUT", "1500ms",
                "OTHER_THING", "x"), properties);
        assertThat(config.settings()).containsExactly(Map.entry("consul.datacenter", "dc-prop"),
                Map.entry("etcd.page.size", "500"));
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.tlsCa()).hasToString("/ca.pem");
        assertThat(config.setting("zookeeper.anything")).isEmpty();
    }

    @Test
    void theBuilderAndTheOldFactoriesAgreeAndCopiesKeepSettings() {
        RegistryConfig built = RegistryConfig.builder().addresses("a:1", "b:2").timeout(Duration.ofSeconds(3))
                .setting("consul.datacenter", "dc1").build();
        RegistryConfig old = RegistryConfig.of("a:1", "b:2").withTimeout(Duration.ofSeconds(3))
                .withSetting("consul.datacenter", "dc1");
        assertThat(built).isEqualTo(old).hasSameHashCodeAs(old);
        assertThat(built.withToken("t").settings()).containsEntry("consul.datacenter", "dc1");
        assertThat(built.toBuilder().credentials("u", "secret").build().toString()).doesNotContain("secret");
        assertThat(new RegistryConfig(List.of("x:1"), null, null, null, null, null, null, null).timeout())
                .isEqualTo(RegistryConfig.DEFAULT_TIMEOUT);
        assertThatThrownBy(() -> RegistryConfig.builder().setting("Bad Key", "v").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("setting key");
        assertThat(RegistryConfig.builder().setting("etcd.wait", "2m").build().durationSetting("etcd.wait"))
                .contains(Duration.ofMinutes(2));
    }

    @Test
    void oneDurationSyntaxNamingTheFieldOnError() {
        assertThat(Durations.parse("f", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("f", "15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Durations.parse("f", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("f", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("f", "PT15S")).isEqualTo(Duration.ofSeconds(15));
        assertThatThrownBy(() -> Durations.parse("MICRO_REGISTRY_TIMEOUT", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MICRO_REGISTRY_TIMEOUT");
        assertThatThrownBy(() -> RegistryConfig.fromEnvironment(Map.of("MICRO_REGISTRY_TIMEOUT", "5x"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MICRO_REGISTRY_TIMEOUT");
    }

    @Test
    void optionTypesHaveBuildersBesideTheirFactories() {
        assertThat(RegisterOptions.builder().ttl(Duration.ofSeconds(30)).build()).isEqualTo(RegisterOptions.ttl(Duration.ofSeconds(30)));
        assertThat(RegisterOptions.builder().build()).isEqualTo(RegisterOptions.defaults());
        assertThatThrownBy(() -> RegisterOptions.builder().ttl(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThat(WatchOptions.builder().service("greeter").build()).isEqualTo(WatchOptions.service("greeter"));
        assertThat(WatchOptions.builder().build()).isEqualTo(WatchOptions.all());
    }

    @Test
    void theNamespaceComesFromTheEnvironmentSurvivesCopiesAndMustBeAPlainPath() {
        RegistryConfig config = RegistryConfig.fromEnvironment(Map.of("MICRO_REGISTRY_NAMESPACE", "/team-a/registry",
                "MICRO_REGISTRY_ADDRESS", "a:1"), new Properties());
        assertThat(config.namespace()).contains("/team-a/registry");
        assertThat(config.settings()).as("a field, not a backend setting").isEmpty();
        assertThat(config.withTimeout(Duration.ofSeconds(1)).withSetting("etcd.x", "y").toBuilder().build().namespace())
                .contains("/team-a/registry");
        assertThat(RegistryConfig.defaults().namespace()).isEmpty();
        assertThat(RegistryConfig.builder().namespace("/a").build()).isNotEqualTo(RegistryConfig.defaults());

        for (String bad : List.of("", "a", "/", "/a/", "//a", "/a/../b", "/..", "/a b", "/a\u0000", "/ä")) {
            assertThatThrownBy(() -> RegistryConfig.builder().namespace(bad).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
        }
    }
}

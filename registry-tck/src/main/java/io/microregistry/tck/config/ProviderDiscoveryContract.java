package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.Configs;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code MICRO_REGISTRY} and the {@code MICRO_REGISTRY_*} settings pick and configure the config backend. */
public abstract class ProviderDiscoveryContract extends ConfigContract {

    protected ProviderDiscoveryContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void fromEnvironmentOpensTheSameBackend() {
        require(ConfigCapability.PROVIDER_DISCOVERY);
        Map<String, String> saved = new HashMap<>();
        fixture().providerProperties().forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
        Config discovered;
        try {
            discovered = closeLater(Configs.fromEnvironment());
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        assertThat(discovered.backend()).isEqualTo(fixture().providerProperties().get("micro.registry"));
        discovered.put(key("discovered"), "yes");
        Config other = client();
        await().untilAsserted(() -> assertThat(other.get(key("discovered")).map(ConfigEntry::text)).contains("yes"));
    }
}

package io.microregistry.consul;

import io.microregistry.RegistryConfig;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.ConfigStore;

/**
 * Config provider {@code consul}: the config center in Consul KV under {@code micro/config/},
 * configured by the same settings as the Consul registry (address, ACL token, TLS). Does not
 * contact the agent on open. Stateless and thread-safe.
 */
public final class ConsulConfigProvider implements ConfigProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public ConsulConfigProvider() {
    }

    @Override
    public String name() {
        return ConsulRegistryProvider.NAME;
    }

    @Override
    public ConfigStore open(RegistryConfig config) {
        return ConsulConfigStore.open(config);
    }
}

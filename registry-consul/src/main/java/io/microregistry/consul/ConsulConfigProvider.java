package io.microregistry.consul;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.StoreConfig;

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
    public Config open(RegistryConfig config) {
        return new StoreConfig(ConsulConfigStore.open(config));
    }
}

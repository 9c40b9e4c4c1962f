package io.microregistry.etcd;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.StoreConfig;

/**
 * Config provider {@code etcd}: the config center in etcd KV under {@code /micro/config/},
 * configured by the same settings as the etcd registry. Does not contact etcd on open.
 * Stateless and thread-safe.
 */
public final class EtcdConfigProvider implements ConfigProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public EtcdConfigProvider() {
    }

    @Override
    public String name() {
        return EtcdRegistryProvider.NAME;
    }

    @Override
    public Config open(RegistryConfig config) {
        return new StoreConfig(EtcdConfigStore.open(config));
    }
}

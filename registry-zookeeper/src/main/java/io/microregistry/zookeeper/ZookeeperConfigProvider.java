package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.StoreConfig;

/**
 * Config provider {@code zookeeper}: the config center in znodes under {@code /micro/config},
 * configured by the same settings as the ZooKeeper registry (connect string, digest
 * credentials). Connects in the background on open. Stateless and thread-safe.
 */
public final class ZookeeperConfigProvider implements ConfigProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public ZookeeperConfigProvider() {
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public Config open(RegistryConfig config) {
        return new StoreConfig(ZookeeperConfigStore.open(config));
    }
}

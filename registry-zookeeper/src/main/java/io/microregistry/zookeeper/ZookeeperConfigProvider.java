package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.ConfigStore;

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
    public ConfigStore open(RegistryConfig config) {
        return ZookeeperConfigStore.open(config);
    }
}

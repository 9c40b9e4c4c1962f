package io.microregistry.config.memory;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigProvider;
import io.microregistry.config.store.StoreConfig;

/**
 * Config provider {@code memory}, the default: each {@link #open} is a separate in-JVM store
 * (share one client within a process). Addresses and credentials are ignored.
 */
public final class MemoryConfigProvider implements ConfigProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public MemoryConfigProvider() {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Config open(RegistryConfig config) {
        return new StoreConfig(new MemoryConfigStore());
    }
}

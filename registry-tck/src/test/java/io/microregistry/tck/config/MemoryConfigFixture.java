package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.memory.MemoryConfigStore;
import io.microregistry.config.store.StoreConfig;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The memory store, every client a connection to one shared store; stores can be wrapped to break them. */
final class MemoryConfigFixture implements ConfigFixture {
    private final MemoryConfigStore store = new MemoryConfigStore();
    private final UnaryOperator<io.microregistry.config.store.ConfigStore> wrap;

    MemoryConfigFixture() {
        this(UnaryOperator.identity());
    }

    MemoryConfigFixture(UnaryOperator<io.microregistry.config.store.ConfigStore> wrap) {
        this.wrap = wrap;
    }

    @Override
    public Config newClient() {
        return new StoreConfig(wrap.apply(store.connect()));
    }

    @Override
    public Set<ConfigCapability> capabilities() {
        return Set.of(ConfigCapability.EVERY_CHANGE);
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "memory");
    }

    @Override
    public void close() {
        store.close();
    }
}

package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The memory backend as the TCK sees it: clients on one shared store. */
class MemoryFixture implements RegistryFixture {

    final MemoryStore store = new MemoryStore();

    @Override
    public Registry newClient() {
        return store.client();
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ABANDON_CLIENT, Capability.PROVIDER_DISCOVERY);
    }

    @Override
    public Duration propagationBound() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofSeconds(1);
    }

    @Override
    public void abandon(Registry client) {
        ((MemoryRegistry) client).halt();
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

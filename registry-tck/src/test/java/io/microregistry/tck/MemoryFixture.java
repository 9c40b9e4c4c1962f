package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The memory backend as the TCK sees it: clients on one shared store, and one more store per
 * namespace. The memory provider makes every {@code open} a world of its own, so a namespace
 * needs no key root there; a store per namespace is that separation, shared by the clients of
 * one namespace as they would share a server.
 */
class MemoryFixture implements RegistryFixture {

    final MemoryStore store = new MemoryStore();
    private final Map<String, MemoryStore> namespaces = new ConcurrentHashMap<>();

    @Override
    public Registry newClient() {
        return store.client();
    }

    @Override
    public Registry newClient(String namespace) {
        return namespaces.computeIfAbsent(namespace, n -> new MemoryStore()).client();
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ABANDON_CLIENT, Capability.PROVIDER_DISCOVERY, Capability.NAMESPACES);
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
        namespaces.values().forEach(MemoryStore::close);
    }
}

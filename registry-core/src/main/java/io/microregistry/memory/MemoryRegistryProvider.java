package io.microregistry.memory;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryProvider;

/**
 * Provider {@code memory}, the default. Each {@link #open} gets a store of its own: share
 * one client within a process; clients of separate opens do not see each other. Addresses
 * and credentials are ignored.
 */
public final class MemoryRegistryProvider implements RegistryProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public MemoryRegistryProvider() {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Registry open(RegistryConfig config) {
        return MemoryRegistry.standalone();
    }
}

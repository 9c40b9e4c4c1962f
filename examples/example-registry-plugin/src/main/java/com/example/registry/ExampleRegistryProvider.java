package com.example.registry;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryProvider;

/**
 * Provider {@code example}, found through {@code META-INF/services}: {@code MICRO_REGISTRY=example}
 * opens a client on a server of its own (the example has no network server to address).
 *
 * <p>Stateless and thread-safe.
 */
public final class ExampleRegistryProvider implements RegistryProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public ExampleRegistryProvider() {
    }

    @Override
    public String name() {
        return "example";
    }

    @Override
    public Registry open(RegistryConfig config) {
        return new ExampleServer().connectOwning();
    }
}

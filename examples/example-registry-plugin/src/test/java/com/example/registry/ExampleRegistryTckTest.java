package com.example.registry;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.RegistryTck;

/** The whole micro-registry TCK against the example backend. */
class ExampleRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return new ExampleFixture();
    }
}

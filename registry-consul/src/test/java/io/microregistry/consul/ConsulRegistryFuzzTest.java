package io.microregistry.consul;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.fuzz.RegistryFuzz;

/** The fuzzer against a real Consul agent. */
class ConsulRegistryFuzzTest extends RegistryFuzz {
    @Override
    protected RegistryFixture fixture() {
        return new ConsulFixture();
    }

    @Override
    protected String backend() {
        return "consul";
    }
}

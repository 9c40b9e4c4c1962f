package io.microregistry.consul;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.RegistryTck;

/** The whole contract suite against a real Consul dev agent. */
class ConsulRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return new ConsulFixture();
    }
}

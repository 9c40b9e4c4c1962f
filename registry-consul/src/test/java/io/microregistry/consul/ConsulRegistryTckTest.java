package io.microregistry.consul;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.RegistryTck;

/**
 * The whole contract suite against a real Consul agent: a persistent one, so a server restart
 * keeps the catalog as in production and a watcher sees only what changed across it.
 */
class ConsulRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return ConsulFixture.persistent();
    }
}

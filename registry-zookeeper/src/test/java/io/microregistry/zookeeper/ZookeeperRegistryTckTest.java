package io.microregistry.zookeeper;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.RegistryTck;

/** The whole contract suite against a real in-process ZooKeeper server. */
class ZookeeperRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return new ZookeeperFixture();
    }
}

package io.microregistry.zookeeper;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.fuzz.RegistryFuzz;

/** The fuzzer against a real (in-process) ZooKeeper. */
class ZookeeperRegistryFuzzTest extends RegistryFuzz {
    @Override
    protected RegistryFixture fixture() {
        return new ZookeeperFixture();
    }

    @Override
    protected String backend() {
        return "zookeeper";
    }
}

package io.microregistry.etcd;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.fuzz.RegistryFuzz;

/** The fuzzer against a real etcd. */
class EtcdRegistryFuzzTest extends RegistryFuzz {

    @Override
    protected RegistryFixture fixture() {
        return new EtcdFixture();
    }

    @Override
    protected String backend() {
        return "etcd";
    }
}

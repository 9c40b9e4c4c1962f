package io.microregistry.etcd;

import io.microregistry.tck.RegistryFixture;
import io.microregistry.tck.RegistryTck;

/** The whole contract suite against a real etcd. */
class EtcdRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return new EtcdFixture();
    }
}

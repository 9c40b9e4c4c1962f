package io.microregistry.tck.fuzz;

import io.microregistry.Registry;
import io.microregistry.memory.MemoryStore;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import java.util.Set;

/** The fuzzer against the embedded memory backend. */
class MemoryRegistryFuzzTest extends RegistryFuzz {

    @Override
    protected RegistryFixture fixture() {
        MemoryStore store = new MemoryStore();
        return new RegistryFixture() {
            @Override
            public Registry newClient() {
                return store.client();
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of();
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }

    @Override
    protected String backend() {
        return "memory";
    }
}

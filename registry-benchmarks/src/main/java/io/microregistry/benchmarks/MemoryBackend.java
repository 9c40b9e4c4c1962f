package io.microregistry.benchmarks;

import io.microregistry.Registry;
import io.microregistry.memory.MemoryStore;

/** The embedded memory backend: clients on one shared store, no raw client to compare with. */
final class MemoryBackend implements BackendUnderTest {

    private final MemoryStore store = new MemoryStore();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Registry open() {
        return store.client();
    }

    @Override
    public RawClient raw() {
        return null;
    }

    @Override
    public String rawDescription() {
        return "none (in-process)";
    }

    @Override
    public void close() {
        store.close();
    }
}

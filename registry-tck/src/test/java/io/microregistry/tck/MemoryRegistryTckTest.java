package io.microregistry.tck;

/** The TCK against the memory backend: the reference every other backend is held to. */
class MemoryRegistryTckTest extends RegistryTck {
    @Override
    protected RegistryFixture fixture() {
        return new MemoryFixture();
    }
}

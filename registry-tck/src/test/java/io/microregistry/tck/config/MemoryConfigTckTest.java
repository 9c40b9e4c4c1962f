package io.microregistry.tck.config;

/** The config TCK on the embedded memory store. */
class MemoryConfigTckTest extends ConfigTck {
    @Override
    protected ConfigFixture fixture() {
        return new MemoryConfigFixture();
    }
}

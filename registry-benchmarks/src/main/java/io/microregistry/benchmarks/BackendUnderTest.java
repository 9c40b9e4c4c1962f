package io.microregistry.benchmarks;

import io.microregistry.Registry;

/**
 * One backend, its server running for the benchmark: opens registry clients on it and the raw
 * client that is the floor. Closing stops the server.
 */
interface BackendUnderTest extends AutoCloseable {

    /** The provider name: {@code memory}, {@code etcd}, {@code consul}, {@code zookeeper}. */
    String name();

    /** A new registry client on this backend. */
    Registry open();

    /** A new raw client on this backend, or null where there is none (memory). */
    RawClient raw() throws Exception;

    /** The server's address as the provider takes it; null where there is no server (memory). */
    default String address() {
        return null;
    }

    /** What "raw" means here, for the report. */
    String rawDescription();

    @Override
    void close() throws java.io.IOException;
}

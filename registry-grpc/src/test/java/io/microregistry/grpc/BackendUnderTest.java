package io.microregistry.grpc;

import io.microregistry.Registry;

import java.time.Duration;

/** A backend for the resolver contract: clients on one running server, and a way to take it away. */
interface BackendUnderTest extends AutoCloseable {

    /** A new client; for the memory backend every call returns the same shared client. */
    Registry client();

    /** How long a change may take to reach a watcher on this backend. */
    Duration propagation();

    /** Takes the backend away (server stopped); false if this backend cannot have an outage. */
    boolean stopServer();

    @Override
    void close();
}

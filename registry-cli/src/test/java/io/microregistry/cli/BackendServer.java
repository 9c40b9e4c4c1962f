package io.microregistry.cli;

/** A real registry server the command is pointed at: which provider talks to it and where it listens. */
interface BackendServer extends AutoCloseable {

    /** Provider name, e.g. {@code etcd}. */
    String provider();

    /** {@code host:port} the provider connects to. */
    String address();

    /** Stops the server and removes its files. */
    @Override
    void close();
}

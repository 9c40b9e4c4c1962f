package io.microregistry.benchmarks;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;

import java.util.concurrent.Callable;

/**
 * A backend whose real server runs for the length of the benchmark: registry clients of provider
 * {@code name} and raw clients connect to {@code address}; closing stops the server. The server
 * is started by the backend module's own test fixture (see {@link Backends}).
 *
 * <p>{@link #open()} and {@link #raw()} may be called from several threads; {@link #close()} once.
 */
final class ServerBackend implements BackendUnderTest {

    private final String name;
    private final String address;
    private final Runnable stop;
    private final Callable<RawClient> rawClients;
    private final String rawDescription;

    /**
     * @param stop           stops the server and removes its files
     * @param rawClients     opens a new raw client on the server
     * @param rawDescription what "raw" means on this backend, for the report
     */
    ServerBackend(String name, String address, Runnable stop, Callable<RawClient> rawClients, String rawDescription) {
        this.name = name;
        this.address = address;
        this.stop = stop;
        this.rawClients = rawClients;
        this.rawDescription = rawDescription;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Registry open() {
        return Registries.open(name, RegistryConfig.of(address));
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public RawClient raw() throws Exception {
        return rawClients.call();
    }

    @Override
    public String rawDescription() {
        return rawDescription;
    }

    @Override
    public void close() {
        stop.run();
    }

    @Override
    public String toString() {
        return name + " at " + address;
    }
}

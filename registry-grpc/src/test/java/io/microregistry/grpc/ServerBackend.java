package io.microregistry.grpc;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;

import java.time.Duration;

/** A real server started by the backend's own test launcher; clients opened by provider name. */
final class ServerBackend implements BackendUnderTest {
    private final String provider;
    private final String address;
    private final Duration propagation;
    private final AutoCloseable server;
    private boolean stopped;

    ServerBackend(String provider, String address, Duration propagation, AutoCloseable server) {
        this.provider = provider;
        this.address = address;
        this.propagation = propagation;
        this.server = server;
    }

    @Override
    public Registry client() {
        return Registries.open(provider, RegistryConfig.of(address).withTimeout(Duration.ofSeconds(2)));
    }

    @Override
    public Duration propagation() {
        return propagation;
    }

    @Override
    public boolean stopServer() {
        close();
        return true;
    }

    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + provider + " at " + address, e);
        }
    }
}

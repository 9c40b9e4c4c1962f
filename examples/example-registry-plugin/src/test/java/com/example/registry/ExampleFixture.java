package com.example.registry;

import io.microregistry.Registry;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The example backend as the TCK sees it: one in-JVM server per test class, a fresh client per
 * {@link #newClient()}, and the fault hooks the backend can honestly offer.
 */
final class ExampleFixture implements RegistryFixture {

    private final ExampleServer server = new ExampleServer();

    @Override
    public Registry newClient() {
        return server.connect();
    }

    @Override
    public Set<Capability> capabilities() {
        // No KILL_PROCESS (the server lives in this JVM, so no child process can reach it) and no
        // SERVER_RESTART (nothing to restart), and no NAMESPACES (the example's keys have no root to
        // put a namespace in): those contracts are reported skipped, with the reason.
        return EnumSet.of(Capability.ABANDON_CLIENT, Capability.SESSION_LOSS, Capability.PROVIDER_DISCOVERY);
    }

    @Override
    public Duration propagationBound() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofSeconds(1);
    }

    @Override
    public void abandon(Registry client) {
        // Every plugin's client is the core's StoreRegistry, which can drop a client as a crash would.
        ((StoreRegistry) client).abandon();
    }

    @Override
    public void loseSession(Registry client) {
        // The hook is package-private on the store; the fixture lives in the same package.
        ((ExampleStore) ((StoreRegistry) client).store()).loseLeases();
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "example");
    }

    @Override
    public Set<String> sharedThreadPrefixes() {
        // The in-JVM server's own threads outlive every client: not a leak of close().
        return Set.of(ExampleServer.THREAD_PREFIX);
    }

    @Override
    public void close() {
        server.close();
    }
}

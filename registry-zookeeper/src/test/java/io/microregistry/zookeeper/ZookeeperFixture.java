package io.microregistry.zookeeper;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A real ZooKeeper server in this JVM ({@link ZookeeperServer}, whose timings let the TCK's
 * 2 s TTL be taken as asked) and clients opened through the provider. The client logs a
 * warning when a production server (usually {@code tickTime} 2000) raises a TTL's session
 * timeout.
 */
final class ZookeeperFixture implements RegistryFixture {

    private final ZookeeperServer server = ZookeeperServer.start();

    /** The server itself, for tests that inject faults beyond the TCK's. */
    ZookeeperServer server() {
        return server;
    }

    String connectString() {
        return server.connectString();
    }

    @Override
    public Registry newClient() {
        return Registries.open("zookeeper", RegistryConfig.of(connectString()));
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ABANDON_CLIENT, Capability.KILL_PROCESS, Capability.SERVER_RESTART,
                Capability.PROVIDER_DISCOVERY);
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration propagationBound() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void abandon(Registry client) {
        ((ZookeeperRegistry) client).abandon();
    }

    @Override
    public void restartServer() {
        server.restart();
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "zookeeper", "micro.registry.address", connectString());
    }

    @Override
    public void close() {
        server.close();
    }
}

package io.microregistry.zookeeper;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A real ZooKeeper server in this JVM (Curator's {@link TestingServer}) on a free loopback
 * port, and clients opened through the provider.
 *
 * <p>Server settings that matter for the TCK's timings: {@code tickTime} 250 ms, so sessions
 * expire within a quarter second of their timeout and {@code minSessionTimeout} (default two
 * ticks, 500 ms) lets the TCK's 2 s TTL be taken as asked; {@code maxSessionTimeout} 60 s so
 * the default 15 s TTL is not cut down. Production servers usually run {@code tickTime}
 * 2000, i.e. sessions of at least 4 s: the client logs a warning when the server raises a
 * TTL's session timeout.
 */
final class ZookeeperFixture implements RegistryFixture {

    static final int TICK_TIME_MS = 250;

    private final TestingServer server;

    ZookeeperFixture() {
        this.server = startServer();
    }

    /** A loopback-only standalone server with the timings described above, started. */
    static TestingServer startServer() {
        try {
            return new TestingServer(spec(-1, -1), true);
        } catch (Exception e) {
            throw new IllegalStateException("could not start an in-process ZooKeeper server", e);
        }
    }

    /** A loopback-only instance spec; {@code -1} picks a free port / server id. */
    static InstanceSpec spec(int port, int serverId) {
        return spec(port, serverId, TICK_TIME_MS);
    }

    /** A loopback-only instance spec with the given tick. */
    static InstanceSpec spec(int port, int serverId, int tickTimeMs) {
        Map<String, Object> properties = Map.of(
                "clientPortAddress", "127.0.0.1",
                "maxSessionTimeout", "60000",
                "admin.enableServer", "false");
        return new InstanceSpec(null, port, -1, -1, true, serverId, tickTimeMs, -1, properties, "127.0.0.1");
    }

    String connectString() {
        return "127.0.0.1:" + server.getPort();
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
        try {
            server.restart();
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the ZooKeeper server", e);
        }
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "zookeeper", "micro.registry.address", connectString());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

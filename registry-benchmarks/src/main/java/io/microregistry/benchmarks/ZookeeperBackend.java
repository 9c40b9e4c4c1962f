package io.microregistry.benchmarks;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import org.apache.curator.test.TestingServer;

/** A real ZooKeeper server in-process (Curator's {@link TestingServer}); the raw floor is Curator. */
final class ZookeeperBackend implements BackendUnderTest {

    private final TestingServer server;

    private ZookeeperBackend(TestingServer server) {
        this.server = server;
    }

    static ZookeeperBackend start() throws Exception {
        return new ZookeeperBackend(new TestingServer(true));
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public Registry open() {
        return Registries.open("zookeeper", RegistryConfig.of(server.getConnectString()));
    }

    @Override
    public RawClient raw() throws Exception {
        return new ZookeeperRaw(server.getConnectString());
    }

    @Override
    public String rawDescription() {
        return "Curator: EPHEMERAL znode, CuratorCache";
    }

    @Override
    public void close() throws java.io.IOException {
        server.close();
    }
}

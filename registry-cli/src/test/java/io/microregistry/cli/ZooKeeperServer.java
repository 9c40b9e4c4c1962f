package io.microregistry.cli;

import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.io.UncheckedIOException;

/** A real ZooKeeper server in the test JVM (Curator's TestingServer), reached by the command over loopback. */
final class ZooKeeperServer implements BackendServer {
    private final TestingServer server;

    private ZooKeeperServer(TestingServer server) {
        this.server = server;
    }

    static ZooKeeperServer start() {
        try {
            return new ZooKeeperServer(new TestingServer(ServerProcess.freePort(), true));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ZooKeeper", e);
        }
    }

    @Override
    public String provider() {
        return "zookeeper";
    }

    @Override
    public String address() {
        return "127.0.0.1:" + server.getPort();
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

package io.microregistry.cli;

/** The command against a real ZooKeeper server. */
class ZooKeeperCliIT extends BackendCliTests {
    @Override
    BackendServer startServer() {
        return ZooKeeperServer.start();
    }
}

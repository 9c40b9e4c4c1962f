package io.microregistry.cli;

import io.microregistry.zookeeper.ZookeeperServer;

/** The command against a real ZooKeeper server, started by registry-zookeeper's own test fixture. */
class ZooKeeperCliIT extends BackendCliTests<ZookeeperServer> {
    ZooKeeperCliIT() {
        super("zookeeper");
    }

    @Override
    ZookeeperServer startServer() {
        return ZookeeperServer.start();
    }

    @Override
    String address(ZookeeperServer server) {
        return server.connectString();
    }
}

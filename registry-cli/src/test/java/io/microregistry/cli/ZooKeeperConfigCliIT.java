package io.microregistry.cli;

import io.microregistry.zookeeper.ZookeeperServer;

/** {@code config} commands against a real ZooKeeper server. */
class ZooKeeperConfigCliIT extends ConfigCliTests<ZookeeperServer> {
    ZooKeeperConfigCliIT() {
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

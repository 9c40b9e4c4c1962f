package io.microregistry.cli;

import io.microregistry.etcd.EtcdServer;

/** {@code config} commands against a real etcd. */
class EtcdConfigCliIT extends ConfigCliTests<EtcdServer> {
    EtcdConfigCliIT() {
        super("etcd");
    }

    @Override
    EtcdServer startServer() {
        return EtcdServer.startSingle();
    }

    @Override
    String address(EtcdServer server) {
        return server.address();
    }
}

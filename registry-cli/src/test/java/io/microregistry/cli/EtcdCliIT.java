package io.microregistry.cli;

import io.microregistry.etcd.EtcdServer;

/** The command against a real etcd 3.5 server, started by registry-etcd's own test fixture. */
class EtcdCliIT extends BackendCliTests<EtcdServer> {
    EtcdCliIT() {
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

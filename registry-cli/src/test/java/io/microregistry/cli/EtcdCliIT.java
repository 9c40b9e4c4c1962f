package io.microregistry.cli;

/** The command against a real etcd 3.5 server. */
class EtcdCliIT extends BackendCliTests {
    @Override
    BackendServer startServer() {
        return ServerProcess.etcd();
    }
}

package io.microregistry.cli;

/** The command against a real Consul 1.8 dev agent. */
class ConsulCliIT extends BackendCliTests {
    @Override
    BackendServer startServer() {
        return ServerProcess.consul();
    }
}

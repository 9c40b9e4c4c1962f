package io.microregistry.cli;

import io.microregistry.consul.ConsulAgent;

/** The command against a real Consul 1.8 dev agent, started by registry-consul's own test fixture. */
class ConsulCliIT extends BackendCliTests<ConsulAgent> {
    ConsulCliIT() {
        super("consul");
    }

    @Override
    ConsulAgent startServer() {
        return ConsulAgent.start();
    }

    @Override
    String address(ConsulAgent agent) {
        return agent.httpAddress();
    }
}

package io.microregistry.cli;

import io.microregistry.consul.ConsulAgent;

/** {@code config} commands against a real Consul dev agent. */
class ConsulConfigCliIT extends ConfigCliTests<ConsulAgent> {
    ConsulConfigCliIT() {
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

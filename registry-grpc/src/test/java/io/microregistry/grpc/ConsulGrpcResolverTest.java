package io.microregistry.grpc;

import io.microregistry.consul.ConsulAgent;

import java.time.Duration;

class ConsulGrpcResolverTest extends GrpcResolverContract {

    @Override
    protected BackendUnderTest backend() {
        ConsulAgent agent = ConsulAgent.start();
        return new ServerBackend("consul", agent.httpAddress(), Duration.ofSeconds(5), agent);
    }
}

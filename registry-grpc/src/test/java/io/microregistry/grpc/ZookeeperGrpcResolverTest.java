package io.microregistry.grpc;

import io.microregistry.zookeeper.ZookeeperServer;

import java.time.Duration;

class ZookeeperGrpcResolverTest extends GrpcResolverContract {

    @Override
    protected BackendUnderTest backend() {
        ZookeeperServer server = ZookeeperServer.start();
        return new ServerBackend("zookeeper", server.connectString(), Duration.ofSeconds(2), server);
    }
}

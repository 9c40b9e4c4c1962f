package io.microregistry.grpc;

import io.microregistry.etcd.EtcdServer;

import java.time.Duration;

class EtcdGrpcResolverTest extends GrpcResolverContract {

    @Override
    protected BackendUnderTest backend() {
        EtcdServer server = EtcdServer.startSingle();
        return new ServerBackend("etcd", server.address(), Duration.ofSeconds(2), server);
    }
}

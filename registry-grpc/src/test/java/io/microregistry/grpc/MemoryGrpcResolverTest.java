package io.microregistry.grpc;

import io.microregistry.Registry;
import io.microregistry.memory.MemoryRegistry;

import java.time.Duration;

class MemoryGrpcResolverTest extends GrpcResolverContract {

    @Override
    protected BackendUnderTest backend() {
        Registry shared = MemoryRegistry.standalone();
        return new BackendUnderTest() {
            @Override
            public Registry client() {
                return shared;
            }

            @Override
            public Duration propagation() {
                return Duration.ofSeconds(1);
            }

            @Override
            public boolean stopServer() {
                return false;
            }

            @Override
            public void close() {
                shared.close();
            }
        };
    }
}

package io.microregistry.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.etcd.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain {@code forTarget("micro:///greeter")}, nothing handed over: grpc's own provider
 * instance opens the backend MICRO_REGISTRY (here its system property) names, once, lazily.
 * The only test in this JVM that uses that process-wide registry.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnvironmentRegistryTest {

    @Test
    void theDefaultProviderOpensTheBackendTheEnvironmentNames() {
        try (EtcdServer etcd = EtcdServer.startSingle();
             Registry registrant = Registries.open("etcd", RegistryConfig.of(etcd.address()));
             Greeter greeter = Greeter.start("from-env")) {
            ServerRegistration.register(registrant, greeter.server,
                    ServerRegistration.options("env-greeter").nodeId("from-env").build());
            System.setProperty("micro.registry", "etcd");
            System.setProperty("micro.registry.address", etcd.address());
            ManagedChannel channel = NettyChannelBuilder.forTarget("micro:///env-greeter").usePlaintext().build();
            try {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                        .untilAsserted(() -> assertThat(Greeter.call(channel)).isEqualTo("from-env"));
            } finally {
                channel.shutdownNow();
                System.clearProperty("micro.registry");
                System.clearProperty("micro.registry.address");
            }
        }
    }
}

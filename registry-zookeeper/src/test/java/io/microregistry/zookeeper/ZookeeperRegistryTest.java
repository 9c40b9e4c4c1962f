package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Behaviour of this backend beyond the TCK: unreachable servers, TTL to session mapping. */
class ZookeeperRegistryTest {

    @Test
    void unreachableServerFailsEachCallWithinAboutTheTimeout() {
        Duration timeout = Duration.ofSeconds(1);
        // A free port nobody listens on.
        RegistryConfig config = RegistryConfig.of("127.0.0.1:" + InstanceSpec.getRandomPort()).withTimeout(timeout);
        try (Registry registry = Registries.open("zookeeper", config)) {
            Service service = Service.builder("svc").version("1").node("n1", "127.0.0.1:1").build();
            for (Runnable call : new Runnable[] {
                    () -> registry.getService("svc"),
                    registry::listServices,
                    () -> registry.register(service),
                    () -> registry.deregister(service),
                    () -> registry.watch(WatchOptions.all())}) {
                long start = System.nanoTime();
                assertThatThrownBy(call::run).isInstanceOf(RegistryUnavailableException.class)
                        .hasMessageContaining("127.0.0.1");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.multipliedBy(4));
            }
            assertThatCode(registry::close).doesNotThrowAnyException();
        }
    }

    @Test
    void eachTtlIsASessionWithThatTimeoutAndReRegisteringMovesTheNode() throws Exception {
        try (ZookeeperFixture fixture = new ZookeeperFixture();
             Registry registry = fixture.newClient();
             CuratorFramework raw = RawClient.connect(fixture.connectString(), null)) {
            String name = "ttl-" + UUID.randomUUID();
            Service service = Service.builder(name).version("1").node("n1", "127.0.0.1:1").build();
            ZookeeperRegistry zk = (ZookeeperRegistry) registry;

            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(3)));
            Session three = zk.sessionOf(Duration.ofSeconds(3));
            assertThat(three.zooKeeper().getSessionTimeout()).isEqualTo(3000);
            Stat stat = raw.checkExists().forPath(ZookeeperPaths.node(name, "n1"));
            assertThat(stat.getEphemeralOwner()).isEqualTo(three.currentSessionId());

            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(5)));
            Session five = zk.sessionOf(Duration.ofSeconds(5));
            assertThat(five.zooKeeper().getSessionTimeout()).isEqualTo(5000);
            stat = raw.checkExists().forPath(ZookeeperPaths.node(name, "n1"));
            assertThat(stat.getEphemeralOwner()).isEqualTo(five.currentSessionId());

            // Registering the same content again with the same TTL writes nothing.
            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(5)));
            assertThat(raw.checkExists().forPath(ZookeeperPaths.node(name, "n1")).getMzxid()).isEqualTo(stat.getMzxid());

            // New content with the same TTL is written in place.
            Service moved = Service.builder(name).version("1").node("n1", "127.0.0.1:2").build();
            registry.register(moved, RegisterOptions.ttl(Duration.ofSeconds(5)));
            Stat updated = raw.checkExists().forPath(ZookeeperPaths.node(name, "n1"));
            assertThat(updated.getCzxid()).isEqualTo(stat.getCzxid());
            assertThat(updated.getVersion()).isEqualTo(stat.getVersion() + 1);
            assertThat(registry.getService(name)).containsExactly(moved);
        }
    }
}

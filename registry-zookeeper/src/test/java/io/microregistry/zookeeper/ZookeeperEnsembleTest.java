package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A three-server ensemble: killing the server a client talks to neither loses its
 * registration nor stops its watcher; the client fails over to another member within its
 * session.
 */
class ZookeeperEnsembleTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperEnsembleTest.class);
    /** Leader election after a kill can take seconds on a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static Service service(String name, String nodeId) {
        return Service.builder(name).version("1").node(nodeId, "127.0.0.1:1").build();
    }

    @Test
    void killingTheConnectedServerKeepsRegistrationAndWatcher() throws Exception {
        // Ticks of 500 ms: followers must keep up with the leader within syncLimit (5 ticks).
        List<InstanceSpec> specs = List.of(ZookeeperServer.spec(-1, 1, 500), ZookeeperServer.spec(-1, 2, 500),
                ZookeeperServer.spec(-1, 3, 500));
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            RegistryConfig config = RegistryConfig.of(cluster.getConnectString().split(","));
            String name = "ensemble-" + UUID.randomUUID();
            try (Registry registry = Registries.open("zookeeper", config);
                 Registry reader = Registries.open("zookeeper", config)) {
                // The default TTL: registration and watch share the client's main session.
                await().atMost(BOUND).ignoreExceptionsInstanceOf(RegistryException.class)
                        .untilAsserted(() -> registry.register(service(name, "n1")));
                Watcher watcher = registry.watch(WatchOptions.service(name));
                Session session = ZookeeperFixture.store(registry).sessionOf(RegisterOptions.DEFAULT_TTL);
                long sessionId = session.currentSessionId();
                InstanceSpec connected = cluster.findConnectionInstance(session.zooKeeper());
                assertThat(connected).isNotNull();

                long killedAt = System.nanoTime();
                assertThat(cluster.killServer(connected)).isTrue();

                await().atMost(BOUND).pollInterval(Duration.ofMillis(20)).until(() ->
                        session.client().getZookeeperClient().isConnected()
                                && !connected.equals(cluster.findConnectionInstance(session.zooKeeper())));
                LOG.info("MEASURED failover to another ensemble member {} ms after the kill (same session: {})",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt),
                        session.currentSessionId() == sessionId);

                await().atMost(BOUND).ignoreExceptionsInstanceOf(RegistryException.class)
                        .untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(service(name, "n1")));

                await().atMost(BOUND).ignoreExceptionsInstanceOf(RegistryException.class)
                        .untilAsserted(() -> registry.register(service(name, "n2")));
                WatchEvent created = nextWith(watcher, "n2");
                assertThat(created.type()).isEqualTo(WatchEvent.Type.CREATE);
                registry.deregister(service(name, "n2"));
                WatchEvent deleted = nextWith(watcher, "n2");
                assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
                assertThat(reader.getService(name)).containsExactly(service(name, "n1"));
            }
        }
    }

    /** The next event about node {@code nodeId}; events about others (n1 coming back, say) are skipped. */
    private static WatchEvent nextWith(Watcher watcher, String nodeId) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            var event = watcher.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (event.isPresent() && event.get().node().id().equals(nodeId)) {
                return event.get();
            }
        }
        throw new AssertionError("no event about " + nodeId + " within " + BOUND);
    }
}

package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.LivenessGroup;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Behaviour of this backend beyond the TCK: unreachable servers, TTL to session mapping, the
 * life of a TTL's session.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
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
            ZookeeperStore zk = ZookeeperFixture.store(registry);

            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(3)));
            Session three = zk.sessionOf(Duration.ofSeconds(3));
            assertThat(three.zooKeeper().getSessionTimeout()).isEqualTo(3000);
            Stat stat = raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1"));
            assertThat(stat.getEphemeralOwner()).isEqualTo(three.currentSessionId());

            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(5)));
            Session five = zk.sessionOf(Duration.ofSeconds(5));
            assertThat(five.zooKeeper().getSessionTimeout()).isEqualTo(5000);
            stat = raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1"));
            assertThat(stat.getEphemeralOwner()).isEqualTo(five.currentSessionId());

            // Registering the same content again with the same TTL writes nothing.
            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(5)));
            assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1")).getMzxid()).isEqualTo(stat.getMzxid());

            // New content with the same TTL is written in place.
            Service moved = Service.builder(name).version("1").node("n1", "127.0.0.1:2").build();
            registry.register(moved, RegisterOptions.ttl(Duration.ofSeconds(5)));
            Stat updated = raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1"));
            assertThat(updated.getCzxid()).isEqualTo(stat.getCzxid());
            assertThat(updated.getVersion()).isEqualTo(stat.getVersion() + 1);
            assertThat(registry.getService(name)).containsExactly(moved);
        }
    }

    @Test
    void ttlsShareOneSessionPerClassThatClosesOnceItKeepsNoNode() throws Exception {
        try (ZookeeperFixture fixture = new ZookeeperFixture(); Registry registry = fixture.newClient()) {
            ZookeeperStore zk = ZookeeperFixture.store(registry);
            String name = "sessions-" + UUID.randomUUID();
            Service kept = node(name, "kept");
            registry.register(kept);
            Set<Long> before = liveThreads().stream().map(Thread::getId).collect(Collectors.toSet());

            // Jittered TTLs fall into classes, rounded down so no node outlives its TTL:
            // 3 s, 3.4 s and 4.9 s share the 3 s session, 5 s and 7.9 s the 5 s one, 8 s has its own.
            List<Long> ttlsMs = List.of(3_000L, 3_400L, 4_900L, 5_000L, 7_900L, 8_000L);
            for (long ms : ttlsMs) {
                registry.register(node(name, "ttl-" + ms), RegisterOptions.ttl(Duration.ofMillis(ms)));
            }
            assertThat(zk.sessionOf(Duration.ofMillis(3_400))).isSameAs(zk.sessionOf(Duration.ofSeconds(3)))
                    .isSameAs(zk.sessionOf(Duration.ofMillis(4_900)));
            assertThat(zk.sessionOf(Duration.ofMillis(7_900))).isSameAs(zk.sessionOf(Duration.ofSeconds(5)))
                    .isNotSameAs(zk.sessionOf(Duration.ofSeconds(3)));
            assertThat(zk.sessionOf(Duration.ofMillis(7_900)).zooKeeper().getSessionTimeout()).isEqualTo(5000);
            assertThat(newClientThreads(before)).as("threads of the extra sessions")
                    .anyMatch(n -> n.startsWith("micro-registry-zk-ttl-3s"))
                    .anyMatch(n -> n.startsWith("micro-registry-zk-ttl-5s"))
                    .anyMatch(n -> n.startsWith("micro-registry-zk-ttl-8s"));

            // Each session closes with its last node, not before.
            registry.deregister(node(name, "ttl-3000"));
            assertThat(zk.sessionOf(Duration.ofSeconds(3))).isNotNull();
            for (long ms : ttlsMs.subList(1, ttlsMs.size())) {
                registry.deregister(node(name, "ttl-" + ms));
            }

            for (Duration ttl : List.of(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8))) {
                assertThat(zk.sessionOf(ttl)).as("session of %s", ttl).isNull();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(newClientThreads(before))
                    .as("threads left by sessions that keep no node").isEmpty());
            // The main session stays, with its node.
            assertThat(zk.sessionOf(RegisterOptions.DEFAULT_TTL)).isNotNull();
            assertThat(registry.getService(name)).containsExactly(kept);

            // A TTL used again gets a session again.
            registry.register(node(name, "again"), RegisterOptions.ttl(Duration.ofSeconds(3)));
            assertThat(zk.sessionOf(Duration.ofSeconds(3)).zooKeeper().getSessionTimeout()).isEqualTo(3000);
            assertThat(registry.getService(name).get(0).nodes()).extracting(io.microregistry.Node::id)
                    .containsExactly("again", "kept");
        }
    }

    @Test
    void registeringWhileTheSameTtlsSessionEmptiesLosesNothing() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        try (ZookeeperFixture fixture = new ZookeeperFixture(); Registry registry = fixture.newClient();
             CuratorFramework raw = RawClient.connect(fixture.connectString(), null)) {
            String name = "churn-" + UUID.randomUUID();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    String id = "t" + t;
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            registry.register(node(name, id), RegisterOptions.ttl(ttl));
                            // Another thread may have just emptied the session: ours must still hold the node.
                            assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, id)))
                                    .as("%s registered, round %d", id, i).isNotNull();
                            registry.deregister(node(name, id));
                        }
                        registry.register(node(name, id), RegisterOptions.ttl(ttl));
                        return null;
                    }));
                }
                for (Future<?> result : results) {
                    result.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Session session = ZookeeperFixture.store(registry).sessionOf(ttl);
            assertThat(session).isNotNull();
            for (int t = 0; t < 4; t++) {
                Stat stat = raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "t" + t));
                assertThat(stat).as("t%d", t).isNotNull();
                assertThat(stat.getEphemeralOwner()).isEqualTo(session.currentSessionId());
            }
        }
    }

    @Test
    void aWriteIsOneZnodeSoEachRecordIsABatchOfItsOwn() throws Exception {
        try (ZookeeperFixture fixture = new ZookeeperFixture(); Registry registry = fixture.newClient()) {
            ZookeeperStore store = ZookeeperFixture.store(registry);
            String name = "batches-" + UUID.randomUUID();
            Service a = node(name, "a");
            Service b = node(name, "b");
            assertThat(store.batches(List.of(a, b))).containsExactly(List.of(a), List.of(b));
            // A group takes one record per put; more would not be all or nothing.
            LivenessGroup group = store.openGroup(store.ttlClass(Duration.ofSeconds(3)));
            try {
                assertThatThrownBy(() -> group.put(List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
                assertThat(group.isEmpty()).isTrue();
                assertThat(registry.getService(name)).isEmpty();
            } finally {
                group.close(true);
            }
            assertThat(store.sessionOf(Duration.ofSeconds(3))).as("closed with its group").isNull();
        }
    }

    private static Service node(String name, String id) {
        return Service.builder(name).version("1").node(id, "127.0.0.1:1").build();
    }

    /**
     * Client threads (Curator's, ours, ZooKeeper's send and event threads) alive now that
     * were not in {@code before}; the in-process server's threads are left out.
     */
    private static List<String> newClientThreads(Set<Long> before) {
        return liveThreads().stream()
                .filter(t -> !before.contains(t.getId()))
                .map(Thread::getName)
                .filter(n -> n.startsWith("micro-registry-zk") || n.contains("SendThread") || n.contains("EventThread"))
                .toList();
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }
}

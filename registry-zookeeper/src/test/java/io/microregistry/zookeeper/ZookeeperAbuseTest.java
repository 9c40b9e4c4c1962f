package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Careless and hostile use (issue 15): records too large for ZooKeeper, a client with many
 * distinct TTLs, a multi-node register that fails half way, a multi-node deregister that
 * cannot remove one of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZookeeperAbuseTest {

    private ZookeeperFixture fixture;
    private CuratorFramework raw;

    @BeforeAll
    void start() throws InterruptedException {
        fixture = new ZookeeperFixture();
        raw = RawClient.connect(fixture.connectString(), null);
    }

    @AfterAll
    void stop() {
        raw.close();
        fixture.close();
    }

    private static Service node(String name, String id, String address) {
        return Service.builder(name).version("1").node(id, address).build();
    }

    @Test
    void aRecordTooLargeForZooKeeperIsRefusedBeforeAnythingIsWritten() throws Exception {
        String name = "large-" + UUID.randomUUID();
        Service large = Service.builder(name).version("1")
                .node(new io.microregistry.Node("n1", "127.0.0.1:1", java.util.Map.of("blob", "x".repeat(1_048_576))))
                .build();
        try (Registry registry = fixture.newClient()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.register(large)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blob");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused at once, not after a timeout")
                    .isLessThan(Duration.ofSeconds(2));
            assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1"))).isNull();
            // The connection was never dropped: the next call works at once.
            registry.register(node(name, "n2", "127.0.0.1:2"));
            assertThat(registry.getService(name)).containsExactly(node(name, "n2", "127.0.0.1:2"));
        }
    }

    @Test
    void valuesNestedTooDeepAreRefusedAsBadInputNotAsACrash() throws Exception {
        String name = "deep-" + UUID.randomUUID();
        for (int depth : new int[] {600, 5_000}) {
            io.microregistry.Value value = io.microregistry.Value.of("leaf", "string");
            for (int i = 0; i < depth; i++) {
                value = new io.microregistry.Value("v" + i, "object", List.of(value));
            }
            Service deep = Service.builder(name).version("1")
                    .endpoint(new io.microregistry.Endpoint("Deep.Call", value, null, java.util.Map.of()))
                    .node("n1", "127.0.0.1:1").build();
            try (Registry registry = fixture.newClient()) {
                assertThatThrownBy(() -> registry.register(deep)).as("depth %d", depth)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.service(name))).isNull();
    }

    @Test
    void oneHundredDistinctTtlsShareAFewSessionsAndNoneOutlivesItsTtl() throws Exception {
        String name = "ttls-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient()) {
            ZookeeperStore zk = ZookeeperFixture.store(registry);
            for (int i = 0; i < 100; i++) {
                Duration ttl = Duration.ofMillis(1_000 + i * 997L);
                registry.register(node(name, "n" + i, "127.0.0.1:" + (i + 1)), RegisterOptions.ttl(ttl));
            }
            assertThat(registry.getService(name).get(0).nodes()).hasSize(100);
            Set<Long> sessions = zk.openSessionIds();
            assertThat(sessions).as("one session per TTL class at most")
                    .hasSizeLessThanOrEqualTo(ZookeeperStore.TTL_CLASSES.length);
            long clientThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("micro-registry-zk")).count();
            org.slf4j.LoggerFactory.getLogger(ZookeeperAbuseTest.class).info(
                    "MEASURED 100 distinct TTLs: {} sessions, {} client threads", sessions.size(), clientThreads);
            assertThat(clientThreads).as("threads of the client").isLessThanOrEqualTo(
                    3L * ZookeeperStore.TTL_CLASSES.length + 3);
            // Each node lives in a session whose timeout is at most its TTL.
            for (int i = 0; i < 100; i++) {
                Duration ttl = Duration.ofMillis(1_000 + i * 997L);
                long owner = raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n" + i)).getEphemeralOwner();
                Session session = zk.sessionOf(ttl);
                assertThat(session.currentSessionId()).as("n%d is kept by its TTL's class", i).isEqualTo(owner);
                assertThat((long) session.zooKeeper().getSessionTimeout()).as("session timeout of n%d", i)
                        .isLessThanOrEqualTo(ttl.toMillis());
            }
        }
    }

    @Test
    void aMultiNodeRegisterThatFailsHalfWayLeavesNothingOfItsOwn() throws Exception {
        String name = "atomic-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient(); Registry reader = fixture.newClient()) {
            registry.register(node(name, "n1", "127.0.0.1:1"));
            // n3's znode cannot be replaced: someone left a persistent znode with a child there.
            String blocked = ZookeeperPaths.DEFAULT.node(name, "n3");
            raw.create().withMode(CreateMode.PERSISTENT).forPath(blocked,
                    ServiceJson.encode(node(name, "n3", "6.6.6.6:666")));
            raw.create().forPath(blocked + "/child");
            try {
                Service batch = Service.builder(name).version("1").node("n1", "127.0.0.1:9")
                        .node("n2", "127.0.0.1:2").node("n3", "127.0.0.1:3").build();
                assertThatThrownBy(() -> registry.register(batch)).isInstanceOf(RegistryException.class)
                        .hasMessageContaining("n3").hasMessageContaining("taken back");
                // n2 (new) is gone again, n1 holds its previous record: nothing of the call stays.
                assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n2"))).isNull();
                assertThat(reader.getService(name).get(0).nodes()).extracting(io.microregistry.Node::address)
                        .containsExactly("127.0.0.1:1", "6.6.6.6:666");
            } finally {
                raw.delete().deletingChildrenIfNeeded().forPath(blocked);
            }
            // n1 is still kept alive by the client, with its old record.
            assertThat(reader.getService(name)).containsExactly(node(name, "n1", "127.0.0.1:1"));
        }
    }

    @Test
    void aMultiNodeDeregisterRemovesAllItCanAndNamesTheRest() throws Exception {
        String name = "deregister-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient()) {
            registry.register(node(name, "n1", "127.0.0.1:1"));
            registry.register(node(name, "n3", "127.0.0.1:3"));
            String stuck = ZookeeperPaths.DEFAULT.node(name, "n2");
            raw.create().withMode(CreateMode.PERSISTENT).forPath(stuck, ServiceJson.encode(node(name, "n2", "127.0.0.1:2")));
            raw.create().forPath(stuck + "/child");
            try {
                Service all = Service.builder(name).version("1").node("n1", "").node("n2", "").node("n3", "").build();
                assertThatThrownBy(() -> registry.deregister(all)).isInstanceOf(RegistryException.class)
                        .hasMessageContaining("n2").hasMessageContaining("1 of 3");
                assertThat(registry.getService(name)).containsExactly(node(name, "n2", "127.0.0.1:2"));
                List<String> left = raw.getChildren().forPath(ZookeeperPaths.DEFAULT.service(name));
                assertThat(left.stream().collect(Collectors.toSet())).containsExactly("n2");
            } finally {
                raw.delete().deletingChildrenIfNeeded().forPath(stuck);
            }
        }
    }
}

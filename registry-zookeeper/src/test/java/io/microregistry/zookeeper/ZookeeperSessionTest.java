package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.RecordingObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.KillSession;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Liveness across session trouble: after the server expired our session the node comes back
 * in a new one; after the client gave its session up while the server still holds the old
 * node, the stale node is replaced; after a plain reconnect nothing is rewritten; a node whose
 * deregistration failed is still kept alive, one deregistered is not brought back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZookeeperSessionTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperSessionTest.class);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(10);

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

    private static Service service(String name) {
        return Service.builder(name).version("1").node("n1", "127.0.0.1:1").build();
    }

    private Stat stat(String name) throws Exception {
        return raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1"));
    }

    @Test
    void nodeComesBackAfterTheServerExpiredTheSession() throws Exception {
        String name = "expiry-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient(); Registry reader = fixture.newClient()) {
            registry.register(service(name), RegisterOptions.ttl(TTL));
            Watcher watcher = reader.watch(WatchOptions.service(name));
            Session session = ZookeeperFixture.store(registry).sessionOf(TTL);
            long oldSession = session.currentSessionId();
            assertThat(stat(name).getEphemeralOwner()).isEqualTo(oldSession);

            long expiredAt = expireOnServer(session.zooKeeper(), name);

            WatchEvent deleted = next(watcher);
            assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
            WatchEvent created = next(watcher);
            long back = System.nanoTime();
            assertThat(created.type()).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(created.service()).isEqualTo(service(name));
            LOG.info("MEASURED registration back {} ms after the server expired the session",
                    TimeUnit.NANOSECONDS.toMillis(back - expiredAt));
            assertThat(stat(name).getEphemeralOwner()).isNotEqualTo(oldSession)
                    .isEqualTo(session.currentSessionId());
            assertThat(reader.getService(name)).containsExactly(service(name));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eachSessionLossAndEachNodeWrittenBackIsReportedToTheObserver() throws Exception {
        String name = "observed-" + UUID.randomUUID();
        RecordingObserver observer = new RecordingObserver();
        ZookeeperStore store = new ZookeeperStore(ConnectSettings.from(RegistryConfig.of(fixture.connectString())));
        try (Registry registry = new StoreRegistry(store, observer)) {
            Service two = Service.builder(name).version("1").node("n1", "127.0.0.1:1").node("n2", "127.0.0.1:2")
                    .build();
            registry.register(two, RegisterOptions.ttl(TTL));
            assertThat(observer.events()).as("nothing lost yet").isEmpty();

            fixture.loseSession(registry);

            await().atMost(BOUND).untilAsserted(() -> assertThat(observer.events())
                    .containsExactlyInAnyOrder("lost session 2", "written back " + name + "/n1",
                            "written back " + name + "/n2"));
            assertThat(observer.events().get(0)).as("the loss comes first").isEqualTo("lost session 2");
            assertThat(raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, "n1")).getEphemeralOwner())
                    .isEqualTo(store.sessionOf(TTL).currentSessionId());
        }
    }

    @Test
    void staleNodeOfTheClientsOldSessionIsReplaced() throws Exception {
        String name = "stale-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient(); Registry reader = fixture.newClient()) {
            registry.register(service(name), RegisterOptions.ttl(TTL));
            Session session = ZookeeperFixture.store(registry).sessionOf(TTL);
            long oldSession = session.currentSessionId();

            // The client believes its session expired; the server still holds it, and the node.
            long killed = System.nanoTime();
            KillSession.kill(session.zooKeeper());

            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() -> {
                Stat stat = stat(name);
                return stat != null && stat.getEphemeralOwner() != oldSession && stat.getEphemeralOwner() != 0;
            });
            LOG.info("MEASURED stale node replaced by the new session {} ms after client-side expiry",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertThat(stat(name).getEphemeralOwner()).isEqualTo(session.currentSessionId());

            // The old session expires on the server within about a TTL; our node is not its any more.
            await().atMost(TTL.multipliedBy(4).plus(BOUND)).during(TTL.multipliedBy(3))
                    .until(() -> reader.getService(name).equals(java.util.List.of(service(name))));
        }
    }

    @Test
    void plainReconnectDoesNotRewriteTheNode() throws Exception {
        String name = "reconnect-" + UUID.randomUUID();
        // ZooKeeper's client notices a dead socket at its next ping and waits up to 1 s before
        // reconnecting: a TTL well above that makes this a reconnect within the session.
        Duration ttl = Duration.ofSeconds(6);
        try (Registry registry = fixture.newClient(); Registry reader = fixture.newClient()) {
            registry.register(service(name), RegisterOptions.ttl(ttl));
            Session session = ZookeeperFixture.store(registry).sessionOf(ttl);
            long sessionId = session.currentSessionId();
            Stat before = stat(name);
            Watcher watcher = reader.watch(WatchOptions.service(name));
            AtomicInteger reconnects = new AtomicInteger();
            session.addListener((c, state) -> {
                if (state == ConnectionState.RECONNECTED) {
                    reconnects.incrementAndGet();
                }
            });

            session.zooKeeper().getTestable().closeSocket();

            await().atMost(BOUND).until(() -> reconnects.get() > 0);
            assertThat(session.currentSessionId()).isEqualTo(sessionId);
            // Give a (wrong) rewrite time to show up: it would arrive well within a TTL.
            Optional<WatchEvent> event = watcher.next(TTL.multipliedBy(2));
            assertThat(event).as("a plain reconnect must not churn the node").isEmpty();
            Stat after = stat(name);
            assertThat(after.getCzxid()).isEqualTo(before.getCzxid());
            assertThat(after.getMzxid()).isEqualTo(before.getMzxid());
            assertThat(after.getEphemeralOwner()).isEqualTo(sessionId);
        }
    }

    @Test
    void watcherResyncsAfterReconnectAndEmitsOnlyTheDifference() throws Exception {
        String name = "resync-" + UUID.randomUUID();
        try (Registry watching = fixture.newClient(); Registry writer = fixture.newClient()) {
            for (String id : java.util.List.of("gone", "changed", "same")) {
                writer.register(Service.builder(name).version("1").node(id, "127.0.0.1:1").build());
            }
            Watcher watcher = watching.watch(WatchOptions.service(name));
            Session session = ZookeeperFixture.store(watching).sessionOf(RegisterOptions.DEFAULT_TTL);
            AtomicInteger reconnects = new AtomicInteger();
            session.addListener((c, state) -> {
                if (state == ConnectionState.RECONNECTED) {
                    reconnects.incrementAndGet();
                }
            });

            // The server drops the watcher's connection at once; changes made now reach it
            // only through the resync after it reconnects.
            session.zooKeeper().getTestable().closeSocket();
            writer.deregister(Service.builder(name).version("1").node("gone", "").build());
            writer.register(Service.builder(name).version("1").node("changed", "127.0.0.1:2").build());
            writer.register(Service.builder(name).version("1").node("new", "127.0.0.1:3").build());
            writer.register(Service.builder(name).version("1").node("same", "127.0.0.1:1").build());

            java.util.Map<String, WatchEvent.Type> seen = new java.util.TreeMap<>();
            for (int i = 0; i < 3; i++) {
                WatchEvent event = watcher.next(Duration.ofSeconds(30)).orElseThrow(
                        () -> new AssertionError("missing resync event; got " + seen));
                assertThat(seen.put(event.node().id(), event.type())).as("one event per node").isNull();
            }
            assertThat(seen).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of(
                    "changed", WatchEvent.Type.UPDATE, "gone", WatchEvent.Type.DELETE, "new", WatchEvent.Type.CREATE)));
            await().atMost(BOUND).until(() -> reconnects.get() > 0);
            assertThat(session.currentSessionId()).as("a reconnect, not a new session").isNotZero();
            assertThat(watcher.next(Duration.ofSeconds(2))).as("nothing else, nothing twice").isEmpty();
        }
    }

    @Test
    void aFailedDeregisterKeepsTheNodeAliveAndARetriedOneIsNotUndoneBySessionRecovery() throws Exception {
        String name = "failed-deregister-" + UUID.randomUUID();
        Service other = Service.builder(name).version("1").node("n2", "127.0.0.1:2").build();
        try (Registry registry = fixture.newClient(); Registry reader = fixture.newClient()) {
            registry.register(service(name), RegisterOptions.ttl(TTL));
            // A second node keeps the TTL's session open (and recovering) after n1 is gone.
            registry.register(other, RegisterOptions.ttl(TTL));
            Session session = ZookeeperFixture.store(registry).sessionOf(TTL);
            long firstSession = session.currentSessionId();

            // Deleting a znode needs DELETE on its parent: take it away so the delete fails.
            String directory = ZookeeperPaths.DEFAULT.service(name);
            List<ACL> acl = raw.getACL().forPath(directory);
            raw.setACL().withACL(List.of(new ACL(Perms.ALL & ~Perms.DELETE, Ids.ANYONE_ID_UNSAFE))).forPath(directory);
            try {
                assertThatThrownBy(() -> registry.deregister(service(name))).isInstanceOf(RegistryException.class)
                        .hasMessageContaining("deregister");
            } finally {
                raw.setACL().withACL(acl).forPath(directory);
            }
            assertThat(stat(name, "n1").getEphemeralOwner()).isEqualTo(firstSession);

            // Still registered, so still this client's to keep alive: it comes back in the new session.
            KillSession.kill(session.zooKeeper());
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10)).until(() ->
                    ownedByANewSession(name, "n1", firstSession) && ownedByANewSession(name, "n2", firstSession));
            assertThat(reader.getService(name)).containsExactly(
                    Service.builder(name).version("1").node("n1", "127.0.0.1:1").node("n2", "127.0.0.1:2").build());

            // The retry deletes it, and the next session recovery (which re-creates n2) leaves it deleted.
            registry.deregister(service(name));
            assertThat(stat(name, "n1")).isNull();
            long secondSession = session.currentSessionId();
            KillSession.kill(session.zooKeeper());
            await().atMost(BOUND).pollInterval(Duration.ofMillis(10))
                    .until(() -> ownedByANewSession(name, "n2", secondSession));
            assertThat(stat(name, "n1")).isNull();
            assertThat(reader.getService(name)).containsExactly(other);
        }
    }

    private boolean ownedByANewSession(String name, String nodeId, long oldSession) throws Exception {
        Stat stat = stat(name, nodeId);
        return stat != null && stat.getEphemeralOwner() != oldSession && stat.getEphemeralOwner() != 0;
    }

    private Stat stat(String name, String nodeId) throws Exception {
        return raw.checkExists().forPath(ZookeeperPaths.DEFAULT.node(name, nodeId));
    }

    /**
     * Expires the session on the server, the classic way: another handle takes the session
     * over (same id and password) and closes it. If the owner reconnects in between and takes
     * its session back, the close does not end it; then try again.
     *
     * @return when the session was closed on the server ({@link System#nanoTime()})
     */
    private long expireOnServer(ZooKeeper owner, String name) throws Exception {
        long sessionId = owner.getSessionId();
        byte[] password = owner.getSessionPasswd();
        for (int attempt = 0; attempt < 5; attempt++) {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper thief = new ZooKeeper(fixture.connectString(), (int) TTL.toMillis(), event -> {
                if (event.getState() == KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, sessionId, password);
            try {
                assertThat(connected.await(5, TimeUnit.SECONDS)).as("took over the session").isTrue();
            } finally {
                thief.close();
            }
            long closed = System.nanoTime();
            Stat stat = stat(name);
            if (stat == null || stat.getEphemeralOwner() != sessionId) {
                return closed;
            }
        }
        throw new AssertionError("could not expire session 0x" + Long.toHexString(sessionId));
    }

    private static WatchEvent next(Watcher watcher) throws InterruptedException {
        return watcher.next(BOUND).orElseThrow(() -> new AssertionError("no watch event within " + BOUND));
    }
}

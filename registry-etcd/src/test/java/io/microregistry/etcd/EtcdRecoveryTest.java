package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigView;
import io.microregistry.config.Configs;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Lease loss and what follows it: etcd restarts (with its data, and wiped), and an outage
 * longer than the TTL. Registrations come back on their own, and watchers keep delivering
 * without gaps; a node that only flickered because etcd lost it is honestly reported as
 * DELETE then CREATE, but a node that never left produces no event.
 */
@Timeout(300)
class EtcdRecoveryTest {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdRecoveryTest.class);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    private static EtcdServer server;
    private final List<Registry> clients = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        server = EtcdServer.startSingle();
    }

    @AfterAll
    static void stopEtcd() {
        server.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(Registry::close);
        if (!server.running()) {
            server.start();
        }
    }

    private Registry client() {
        // A short deadline, so the test's own reads during an outage fail fast instead of waiting.
        Registry registry = EtcdFixture.open(RegistryConfig.of(server.address()).withTimeout(Duration.ofSeconds(2)));
        clients.add(registry);
        return registry;
    }

    private static Service service(String name, String nodeId) {
        return Service.builder(name).version("1").node(new Node(nodeId, "10.0.0.1:1", Map.of("k", "v"))).build();
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean present(Registry registry, String name, String nodeId) {
        try {
            return registry.getService(name).stream().flatMap(s -> s.nodes().stream())
                    .anyMatch(n -> n.id().equals(nodeId));
        } catch (RuntimeException unavailable) {
            return false;
        }
    }

    /** The node ids registered under {@code name}, sorted; empty while etcd cannot be read. */
    private static List<String> nodes(Registry registry, String name) {
        try {
            return registry.getService(name).stream().flatMap(s -> s.nodes().stream()).map(Node::id).sorted()
                    .toList();
        } catch (RuntimeException unavailable) {
            return List.of();
        }
    }

    /** Drains the watcher until {@code nodeId} is present by its events; returns every event read. */
    private static List<WatchEvent> drainUntilPresent(Watcher watcher, Set<String> live, String nodeId)
            throws InterruptedException {
        List<WatchEvent> events = new ArrayList<>();
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        while (!live.contains(nodeId) && System.nanoTime() < deadline) {
            Optional<WatchEvent> event = watcher.next(Duration.ofMillis(200));
            event.ifPresent(e -> {
                events.add(e);
                if (e.type() == WatchEvent.Type.DELETE) {
                    live.remove(e.node().id());
                } else {
                    live.add(e.node().id());
                }
            });
        }
        return events;
    }

    @Test
    void restartWithDataKeepsTheNodeWithoutAnEventAndTheWatcherGoesOn() throws InterruptedException {
        Registry registry = client();
        Registry observer = client();
        String name = unique("restart");
        // etcd restores the lease with a fresh TTL when it comes back; the client re-registers
        // a moment later (gRPC's reconnect backoff: about 1-3 s). A TTL comfortably above that
        // means the node never leaves.
        Duration ttl = Duration.ofSeconds(6);
        registry.register(service(name, "n1"), RegisterOptions.ttl(ttl));
        Watcher watcher = observer.watch(WatchOptions.service(name));

        server.restart();

        await().atMost(RECOVERY_BOUND).until(() -> present(observer, name, "n1"));
        await().during(ttl.multipliedBy(2)).atMost(ttl.multipliedBy(3)).until(() -> present(observer, name, "n1"));
        registry.register(service(name, "n2"), RegisterOptions.ttl(ttl));
        Set<String> live = new HashSet<>(Set.of("n1"));
        List<WatchEvent> events = drainUntilPresent(watcher, live, "n2");
        assertThat(events).as("the restart kept n1; only n2's arrival is news")
                .extracting(e -> e.type() + " " + e.node().id()).containsExactly("CREATE n2");
    }

    @Test
    void restartWithDataLossBringsTheRegistrationBackAndTheWatcherResynchronises() throws InterruptedException {
        Registry registry = client();
        Registry observer = client();
        String name = unique("wiped");
        registry.register(service(name, "n1"), RegisterOptions.ttl(TTL));
        Watcher watcher = observer.watch(WatchOptions.service(name));

        server.restartWithDataLoss();
        long healthy = System.nanoTime();

        await().atMost(RECOVERY_BOUND).until(() -> present(observer, name, "n1"));
        LOG.info("MEASURE registration back {} ms after the wiped etcd was healthy",
                Duration.ofNanos(System.nanoTime() - healthy).toMillis());
        registry.register(service(name, "n2"), RegisterOptions.ttl(TTL));
        Set<String> live = new HashSet<>(Set.of("n1"));
        drainUntilPresent(watcher, live, "n2");
        assertThat(live).as("what the watcher's events say is registered").containsExactlyInAnyOrder("n1", "n2");
        await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(4))
                .until(() -> present(observer, name, "n1") && present(observer, name, "n2"));
    }

    @Test
    void anOutageLongerThanTheTtlEndsWithTheRegistrationBack() throws InterruptedException {
        Registry registry = client();
        Registry observer = client();
        String name = unique("outage");
        registry.register(service(name, "n1"), RegisterOptions.ttl(TTL));
        Watcher watcher = observer.watch(WatchOptions.service(name));

        server.stop();
        // The outage itself: deliberately longer than the TTL, so jetcd's keep-alive gives up on the lease.
        Duration outage = TTL.multipliedBy(3);
        await().pollDelay(outage).atMost(outage.plusSeconds(1)).until(() -> !server.running());
        server.start();
        long healthy = System.nanoTime();

        await().atMost(RECOVERY_BOUND).until(() -> present(observer, name, "n1"));
        LOG.info("MEASURE registration visible {} ms after etcd was back from a {} s outage",
                Duration.ofNanos(System.nanoTime() - healthy).toMillis(), outage.toSeconds());
        // Stays, now kept alive on a new lease.
        await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(5)).until(() -> present(observer, name, "n1"));
        registry.register(service(name, "n2"), RegisterOptions.ttl(TTL));
        Set<String> live = new HashSet<>(Set.of("n1"));
        drainUntilPresent(watcher, live, "n2");
        assertThat(live).containsExactlyInAnyOrder("n1", "n2");
    }

    @Test
    void aFailedDeregisterKeepsTheNodeRegisteredUntilARetryRemovesIt() {
        Registry registry = client();
        Registry observer = client();
        String name = unique("deregister");
        // n1 and n2 share a TTL, hence a lease that stays in use for n2; m1 is alone on its own lease.
        Duration otherTtl = TTL.plusSeconds(1);
        registry.register(service(name, "n1"), RegisterOptions.ttl(TTL));
        registry.register(service(name, "n2"), RegisterOptions.ttl(TTL));
        registry.register(service(name, "m1"), RegisterOptions.ttl(otherTtl));

        server.stop();
        assertThatThrownBy(() -> registry.deregister(service(name, "n1"))).isInstanceOf(RegistryException.class);
        assertThatThrownBy(() -> registry.deregister(service(name, "m1"))).isInstanceOf(RegistryException.class);
        server.start();

        // The failed calls changed nothing: this client still owns and keeps all three, across the
        // lease recovery the outage (longer than the TTL) causes.
        List<String> all = List.of("m1", "n1", "n2");
        await().atMost(RECOVERY_BOUND).until(() -> nodes(observer, name).equals(all));
        await().during(otherTtl.multipliedBy(3)).atMost(otherTtl.multipliedBy(5))
                .until(() -> nodes(observer, name).equals(all));

        registry.deregister(service(name, "n1"));
        registry.deregister(service(name, "m1"));
        assertThat(nodes(observer, name)).containsExactly("n2");

        // The next lease recovery puts back what is still owned, and nothing deregistered.
        server.restart();
        await().atMost(RECOVERY_BOUND).until(() -> nodes(observer, name).equals(List.of("n2")));
        await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(5))
                .until(() -> nodes(observer, name).equals(List.of("n2")));
    }

    /**
     * A wiped etcd starts its revisions over and keeps its cluster id; if its new history has
     * passed the watcher's revision by the time the watcher reconnects, nothing in the reply says
     * the data was lost. Resuming by revision would then skip every change made early in the new
     * history and still say CURRENT (the fault soak found this after its first wipe). The gate
     * keeps the watcher away until the new history is well past its revision.
     */
    @Test
    void aWatcherReconnectingToAWipedEtcdThatOvertookItsRevisionResyncsByContent() throws InterruptedException {
        String name = unique("overtaken");
        Duration ttl = Duration.ofSeconds(30);
        // A fresh etcd of its own: its revisions start at 1, so 60 writes after the wipe surely pass the
        // watcher's revision (on the shared server, earlier tests' writes would decide that).
        try (EtcdServer fresh = EtcdServer.startSingle(); GatedProxy proxy = gateTo(fresh)) {
            Registry observer = EtcdFixture.open(RegistryConfig.of(proxy.address()).withTimeout(Duration.ofSeconds(2)));
            clients.add(observer);
            Registry writer = EtcdFixture.open(RegistryConfig.of(fresh.address()).withTimeout(Duration.ofSeconds(2)));
            clients.add(writer);
            writer.register(version(name, "a", 0), RegisterOptions.ttl(ttl));
            Watcher watcher = observer.watch(WatchOptions.service(name));
            for (int i = 1; i <= 20; i++) {
                writer.register(version(name, "a", i), RegisterOptions.ttl(ttl));
            }
            assertThat(drainUntil(watcher, e -> e.node().id().equals("a") && generation(e) == 20))
                    .as("the watcher follows before the fault").isTrue();

            proxy.shut();
            fresh.restartWithDataLoss();
            // Early in the new history, at a revision the watcher has already passed:
            await().atMost(RECOVERY_BOUND).ignoreExceptionsInstanceOf(RegistryException.class).until(() -> {
                writer.register(version(name, "b", 0), RegisterOptions.ttl(ttl));
                return true;
            });
            // Then far past it (each write is one revision; the old history ended near 21).
            for (int i = 21; i <= 80; i++) {
                writer.register(version(name, "a", i), RegisterOptions.ttl(ttl));
            }
            proxy.open();

            assertThat(drainUntil(watcher, e -> e.type() != WatchEvent.Type.DELETE && e.node().id().equals("b")))
                    .as("b, written early in the wiped etcd's new history, reaches the watcher").isTrue();
            assertThat(drainUntil(watcher, e -> e.node().id().equals("a") && generation(e) == 80)
                    || observer.getService(name).stream().flatMap(s -> s.nodes().stream())
                    .anyMatch(n -> n.id().equals("a") && "80".equals(n.metadata().get("gen"))))
                    .as("a's last write is seen").isTrue();
            // The difference is delivered just before the new watch opens and the status turns CURRENT.
            await().atMost(RECOVERY_BOUND).until(() -> watcher.status().isCurrent());
        }
    }

    /** A gated proxy in front of {@code etcd}, for a client the test cuts off and lets back. */
    private static GatedProxy gateTo(EtcdServer etcd) {
        return new GatedProxy(Integer.parseInt(etcd.address().substring(etcd.address().lastIndexOf(':') + 1)));
    }

    private static Service version(String name, String nodeId, int generation) {
        return Service.builder(name).version("1")
                .node(new Node(nodeId, "10.0.0.1:1", Map.of("gen", Integer.toString(generation)))).build();
    }

    private static int generation(WatchEvent event) {
        return Integer.parseInt(event.node().metadata().getOrDefault("gen", "-1"));
    }

    /** Reads events until one matches, at most {@link #RECOVERY_BOUND}; whether one did. */
    private static boolean drainUntil(Watcher watcher, java.util.function.Predicate<WatchEvent> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<WatchEvent> event = watcher.next(Duration.ofMillis(200));
            if (event.isPresent() && wanted.test(event.get())) {
                return true;
            }
        }
        return false;
    }

    /** The config side of the same fault: a view behind the gate re-lists after reconnecting. */
    @Test
    void aConfigViewReconnectingToAWipedEtcdThatOvertookItsRevisionResyncsByContent() {
        String prefix = unique("overtaken-config") + "/";
        try (EtcdServer fresh = EtcdServer.startSingle();
             GatedProxy proxy = gateTo(fresh);
             Config reader = Configs.open("etcd", RegistryConfig.of(proxy.address()).withTimeout(Duration.ofSeconds(2)));
             Config writer = Configs.open("etcd", RegistryConfig.of(fresh.address()).withTimeout(Duration.ofSeconds(2)))) {
            writer.put(prefix + "a", "0");
            ConfigView view = reader.view(prefix);
            for (int i = 1; i <= 20; i++) {
                writer.put(prefix + "a", Integer.toString(i));
            }
            await().atMost(RECOVERY_BOUND).until(() -> view.getString("a", "").equals("20"));

            proxy.shut();
            fresh.restartWithDataLoss();
            await().atMost(RECOVERY_BOUND).ignoreExceptionsInstanceOf(RegistryException.class).until(() -> {
                writer.put(prefix + "b", "early");
                return true;
            });
            for (int i = 21; i <= 80; i++) {
                writer.put(prefix + "a", Integer.toString(i));
            }
            proxy.open();

            await().atMost(RECOVERY_BOUND).untilAsserted(() -> {
                assertThat(view.getString("b", null)).as("b, written early in the new history").isEqualTo("early");
                assertThat(view.getString("a", null)).isEqualTo("80");
                assertThat(view.status().isCurrent()).isTrue();
            });
        }
    }
}

package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.Service;
import io.microregistry.cache.CacheOptions;
import io.microregistry.cache.CacheStatus;
import io.microregistry.cache.CachingRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache's self-preservation on a real etcd that lost the registry's data: the server reports
 * every node gone at once, then registrants write theirs back. A cache with self-preservation
 * keeps serving them meanwhile (it says DEGRADED) and drops the one that never returns when the
 * hold ends; the same cache without it, side by side, empties (so the fault really happened). A
 * single death afterwards still vanishes within its TTL.
 */
@Timeout(120)
class EtcdCacheSelfPreservationTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(45);
    private static final int NODES = 4;

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

    private StoreRegistry client() {
        StoreRegistry registry = EtcdFixture.open(RegistryConfig.of(server.address()).withTimeout(Duration.ofSeconds(10)));
        clients.add(registry);
        return registry;
    }

    private static Service service(String name, String nodeId) {
        return Service.builder(name).version("1").node(new Node(nodeId, "10.0.0.1:1", Map.of())).build();
    }

    private static int size(CachingRegistry cache, String name) {
        return cache.getService(name).stream().mapToInt(s -> s.nodes().size()).sum();
    }

    /**
     * The registry's data lost at once on a live server (every key under the prefix deleted,
     * as a restore or a wrong {@code etcdctl del} does): the watch reports every node gone in one
     * burst. One registrant writes its node back, one never does.
     */
    @Test
    void dataLostOnTheServerIsHeldWhileItComesBackAndADeathStillVanishes() {
        String name = "preserved-" + UUID.randomUUID().toString().substring(0, 8);
        List<StoreRegistry> registrants = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            StoreRegistry registrant = client();
            registrant.register(service(name, "n" + i), RegisterOptions.ttl(TTL));
            registrants.add(registrant);
        }
        Duration hold = Duration.ofSeconds(15);
        CachingRegistry preserving = CachingRegistry.view(client(), CacheOptions.builder().preservation(hold).build());
        CachingRegistry plain = CachingRegistry.view(client(), CacheOptions.builder().noPreservation().build());
        clients.add(preserving);
        clients.add(plain);
        await().atMost(BOUND).until(() -> size(preserving, name) == NODES && size(plain, name) == NODES);

        // Taken before the delete: the cache may see it (and start its hold) before etcdctl has exited.
        long lost = System.nanoTime();
        new Etcdctl(server.address()).run("del", "--prefix", "/micro/registry/");
        await().atMost(BOUND).until(() -> size(plain, name) == 0);
        CacheStatus degraded = preserving.status(name);
        assertThat(Duration.ofNanos(System.nanoTime() - lost)).as("still within the hold").isLessThan(hold);
        assertThat(size(preserving, name)).as("with self-preservation every node is still served").isEqualTo(NODES);
        assertThat(degraded.state()).isEqualTo(CacheStatus.State.DEGRADED);
        assertThat(degraded.lastFailure()).get().extracting(Throwable::getMessage).asString().contains("self-preservation");

        // All but the last come back (written again, as after a loss); the last never does.
        for (int i = 0; i < NODES - 1; i++) {
            registrants.get(i).register(service(name, "n" + i), RegisterOptions.ttl(TTL));
        }
        await().atMost(BOUND).until(() -> size(plain, name) == NODES - 1);
        assertThat(size(preserving, name)).as("the one still missing is held").isEqualTo(NODES);
        assertThat(preserving.status(name).state()).isEqualTo(CacheStatus.State.DEGRADED);
        // ... until the hold ends: then it is dropped, and the service is current again.
        await().atMost(hold.plus(BOUND)).until(() -> size(preserving, name) == NODES - 1
                && preserving.status(name).state() == CacheStatus.State.CURRENT);
        assertThat(Duration.ofNanos(System.nanoTime() - lost)).as("not before the hold ended").isGreaterThanOrEqualTo(hold);

        // An individual death afterwards is not held: gone within TTL plus a bound.
        registrants.get(0).abandon();
        await().atMost(TTL.plus(Duration.ofSeconds(10))).until(() -> size(preserving, name) == NODES - 2);
        assertThat(preserving.status(name).state()).isEqualTo(CacheStatus.State.CURRENT);
    }
}

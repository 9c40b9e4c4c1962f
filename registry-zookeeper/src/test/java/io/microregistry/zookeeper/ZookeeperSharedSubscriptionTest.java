package io.microregistry.zookeeper;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.cache.CacheStatus;
import io.microregistry.cache.CachingRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a real ZooKeeper: every subscriber of a prefix in one client shares one backend watch, and
 * a cache following many services costs no thread per service. The ZooKeeper watch pushes into
 * the core on the client's one watch thread, so subscribing starts no thread at all: neither a
 * core pump ({@code micro-registry-watch-N}, which runs only while a broken watch is re-opened)
 * nor a ZooKeeper watch thread per prefix ({@code micro-registry-zk-watch}, one per client).
 */
@Timeout(120)
class ZookeeperSharedSubscriptionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static ZookeeperServer server;

    @BeforeAll
    static void start() {
        server = ZookeeperServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Registry client() {
        return Registries.open("zookeeper", RegistryConfig.of(server.connectString()).withTimeout(Duration.ofSeconds(15)));
    }

    /** The core's pump and re-open threads. */
    private static long watchThreads() {
        return threads("micro-registry-watch");
    }

    /** The ZooKeeper store's watch threads, one per client however many watches it holds. */
    private static long zookeeperWatchThreads() {
        return threads("micro-registry-zk-watch");
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    @Test
    void subscribersShareOneWatchPerPrefixAndTheCacheFollowsManyServicesWithConstantThreads() {
        try (Registry publisher = client(); Registry follower = client()) {
            long before = watchThreads();
            List<List<WatchEvent>> seen = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                List<WatchEvent> events = new CopyOnWriteArrayList<>();
                seen.add(events);
                follower.subscribe(WatchOptions.service("shared"), events::add);
            }
            assertThat(watchThreads() - before).as("no pump for 50 subscribers of one service: the store pushes")
                    .isZero();
            // The follower's watch thread has started with its first watch; no prefix adds another.
            long zookeeperThreads = zookeeperWatchThreads();
            publisher.register(Service.builder("shared").node("s1", "10.0.0.1:1").build());
            await().atMost(BOUND).until(() -> seen.stream().allMatch(e -> e.size() == 1));

            try (CachingRegistry cache = CachingRegistry.view(follower)) {
                for (int i = 0; i < 40; i++) {
                    publisher.register(Service.builder("svc-" + i).node("n" + i, "10.0.0.2:" + (100 + i)).build());
                }
                await().atMost(BOUND).until(() -> cache.getService("svc-39").size() == 1);
                long followingForty = watchThreads();
                for (int i = 0; i < 40; i++) {
                    assertThat(cache.getService("svc-" + i)).hasSize(1);
                }
                assertThat(watchThreads()).as("threads while following 40 services").isEqualTo(followingForty);
                assertThat(followingForty - before).as("the cache adds no pump, let alone one per service").isZero();
                assertThat(zookeeperWatchThreads()).as("the cache's prefix starts no ZooKeeper watch thread")
                        .isEqualTo(zookeeperThreads);
                assertThat(cache.status("svc-7").state()).isEqualTo(CacheStatus.State.CURRENT);

                publisher.deregister(Service.builder("svc-7").node("n7", "10.0.0.2:107").build());
                await().atMost(BOUND).until(() -> cache.getService("svc-7").isEmpty());
            }
        }
    }
}

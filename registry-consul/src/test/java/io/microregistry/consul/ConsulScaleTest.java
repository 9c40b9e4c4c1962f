package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 on a real agent: one client follows more services than the agent's default
 * per-client connection limit (200), each with its own watcher, a watch of everything and a cache, and
 * still gets every change; the connections it opens are counted by a proxy in front of the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class ConsulScaleTest {
    private static final int SERVICES = 300;

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private static Service service(int i, String address) {
        return Service.builder("scale-" + i).version("1").node(new Node("scale-" + i + "-1", address, Map.of())).build();
    }

    @Test
    void followingMoreServicesThanTheAgentsConnectionLimitCostsAConstantNumberOfConnections() throws Exception {
        try (FreezableProxy proxy = new FreezableProxy(agent.httpAddress());
             Registry writer = new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
             Registry follower = new ConsulRegistryProvider().open(RegistryConfig.of(proxy.address()))) {
            for (int i = 0; i < SERVICES; i++) {
                writer.register(service(i, "127.0.0.1:1"));
            }
            List<Watcher> watchers = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                watchers.add(follower.watch(WatchOptions.service("scale-" + i)));
            }
            Watcher all = follower.watch(WatchOptions.all());
            long pumpsBefore = threads("micro-registry-watch");
            io.microregistry.cache.CachingRegistry cache = io.microregistry.cache.CachingRegistry.view(follower);
            for (int i = 0; i < SERVICES; i++) {
                assertThat(cache.getService("scale-" + i)).hasSize(1);
            }
            for (int i = 0; i < SERVICES; i += 50) {
                writer.register(service(i, "127.0.0.1:2"));
            }
            writer.register(service(SERVICES, "127.0.0.1:3"));

            for (int i = 0; i < SERVICES; i += 50) {
                Optional<WatchEvent> event = watchers.get(i).next(Duration.ofSeconds(20));
                assertThat(event).as("watcher of scale-%d", i).isPresent();
                assertThat(event.get().type()).isEqualTo(WatchEvent.Type.UPDATE);
                assertThat(event.get().service().nodes().get(0).address()).isEqualTo("127.0.0.1:2");
            }
            List<WatchEvent> seen = new ArrayList<>();
            while (seen.size() < SERVICES / 50 + 1) {
                Optional<WatchEvent> event = all.next(Duration.ofSeconds(20));
                assertThat(event).as("watch of all after %s", seen).isPresent();
                seen.add(event.get());
            }
            assertThat(seen).anyMatch(e -> e.type() == WatchEvent.Type.CREATE
                    && e.service().name().equals("scale-" + SERVICES));
            assertThat(follower.getService("scale-" + (SERVICES - 1))).hasSize(1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    cache.getService("scale-50").get(0).nodes().get(0).address().equals("127.0.0.1:2"));

            // One held blocking query plus a few pooled short reads (the whole-registry read of the
            // subscription keeps ConsulStore.LIST_CONCURRENCY in flight), whatever the number of watchers.
            assertThat(proxy.peakOpen()).as("connections open at once (accepted %d)", proxy.accepted())
                    .isLessThanOrEqualTo(8);
            long feedThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("consul-feed") || t.getName().startsWith("consul-watch")).count();
            assertThat(feedThreads).as("watch threads of both clients").isLessThanOrEqualTo(4);
            // The store pushes into the cache's subscription from the feed's thread: the core runs no pump
            // thread for it (it used to run one per prefix).
            assertThat(threads("micro-registry-watch") - pumpsBefore).as("pump threads of the cache's subscription")
                    .isLessThanOrEqualTo(0);
            System.out.println("followed " + (SERVICES + 1) + " watchers: peak open connections " + proxy.peakOpen()
                    + ", accepted " + proxy.accepted() + ", watch threads " + feedThreads);
            watchers.forEach(Watcher::close);
            all.close();
            cache.close();
        }
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }
}

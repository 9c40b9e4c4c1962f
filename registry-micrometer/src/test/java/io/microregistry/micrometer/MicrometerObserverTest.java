package io.microregistry.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.cache.CacheOptions;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import io.microregistry.selector.Ejection;
import io.microregistry.selector.Filter;
import io.microregistry.selector.NoEligibleNodeException;
import io.microregistry.selector.NoSuchServiceException;
import io.microregistry.selector.Selection;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.microregistry.micrometer.MicrometerObserver.SERVICE_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Each meter moves when its event happens, on the memory backend and an in-JVM store with faults. */
@Timeout(30)
class MicrometerObserverTest {

    private static final WatchListener IGNORE = new WatchListener() {
        @Override
        public void onSnapshot(List<Service> current) {
        }

        @Override
        public void onEvent(io.microregistry.WatchEvent event) {
        }
    };

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MicrometerObserver observer = new MicrometerObserver(meters);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static Service greeter(String... ids) {
        Service.Builder builder = Service.builder("greeter").version("1.0");
        for (String id : ids) {
            builder.node(id, id + ":8080");
        }
        return builder.build();
    }

    private double active(String meter, String... tags) {
        LongTaskTimer timer = meters.find(meter).tags(tags).longTaskTimer();
        return timer == null ? 0 : timer.activeTasks();
    }

    private double count(String meter, String... tags) {
        Counter counter = meters.find(meter).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void registrationsKeptAliveAreCountedPerServiceAcrossClientsUntilReleased() {
        MemoryStore store = track(new MemoryStore());
        MemoryRegistry first = track(store.client(observer));
        MemoryRegistry second = track(store.client(observer));

        first.register(greeter("a", "b"));
        first.register(Service.builder("other").node("c", "c:1").build());
        second.register(greeter("d"));
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(3);
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "other")).isEqualTo(1);

        // Registering a kept node again (changed) keeps one task; deregistering ends it.
        first.register(Service.builder("greeter").version("1.0")
                .node(new Node("a", "a:9090", Map.of("zone", "eu"))).build());
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(3);
        first.deregister(greeter("a"));
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(2);

        first.close();
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(1);
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "other")).isZero();
        second.halt();
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isZero();
    }

    @Test
    void aLostLeaseAndItsWriteBacksAreCounted() {
        FlakyStore store = new FlakyStore();
        StoreRegistry client = track(new StoreRegistry(store, observer));
        client.register(greeter("a", "b"));

        store.writeBack();

        assertThat(count(MicrometerObserver.LIVENESS_LOSSES, "primitive", "lease")).isEqualTo(1);
        assertThat(count(MicrometerObserver.WRITTEN_BACK, SERVICE_NAME, "greeter")).isEqualTo(2);
        assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(2);
    }

    @Test
    void aBrokenWatchCountsItsStatusChangesAndResyncs() {
        FlakyStore store = new FlakyStore();
        StoreRegistry client = track(new StoreRegistry(store, observer));
        client.register(greeter("a"));
        Subscription subscription = track(client.subscribe(WatchOptions.service("greeter"), IGNORE));

        store.outage();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                count(MicrometerObserver.WATCH_STATUS_CHANGES, SERVICE_NAME, "greeter", "status", "STALE") >= 1
                        && count(MicrometerObserver.WATCH_RESYNCS, SERVICE_NAME, "greeter", "outcome", "failure") >= 1);
        assertThat(count(MicrometerObserver.WATCH_STATUS_CHANGES, SERVICE_NAME, "greeter", "status", "RESYNCING"))
                .isEqualTo(1);

        store.recover();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                count(MicrometerObserver.WATCH_STATUS_CHANGES, SERVICE_NAME, "greeter", "status", "CURRENT") == 1);
        assertThat(count(MicrometerObserver.WATCH_RESYNCS, SERVICE_NAME, "greeter", "outcome", "success")).isEqualTo(1);
        assertThat(subscription.status().isCurrent()).isTrue();
    }

    @Test
    void theCacheStatusOfEachServiceIsActiveInItsStateAndCountsItsChanges() {
        FlakyStore store = new FlakyStore();
        StoreRegistry client = track(new StoreRegistry(store, RegistryObserverNone.NONE));
        client.register(greeter("a", "b"));
        client.register(Service.builder("other").node("c", "c:1").build());
        CachingRegistry cache = CachingRegistry.view(client, CacheOptions.builder().observer(observer)
                .preservation(Duration.ofSeconds(20)).build());

        assertThat(cache.getService("greeter")).hasSize(1);
        assertThat(active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "CURRENT")).isEqualTo(1);
        assertThat(active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "other", "status", "CURRENT")).isEqualTo(1);

        // The backend goes away: every service of the cache is STALE (after RESYNCING), then CURRENT again.
        store.outage();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "STALE") == 1);
        assertThat(active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "CURRENT")).isZero();
        assertThat(count(MicrometerObserver.CACHE_STATUS_CHANGES, SERVICE_NAME, "other", "status", "RESYNCING"))
                .isEqualTo(1);
        store.recover();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "CURRENT") == 1);
        assertThat(active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "STALE")).isZero();
        assertThat(count(MicrometerObserver.CACHE_STATUS_CHANGES, SERVICE_NAME, "greeter", "status", "CURRENT"))
                .isEqualTo(2);

        // The backend loses its data: self-preservation holds the nodes, DEGRADED until they are back.
        store.wipe();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            cache.status("greeter");   // the hold starts when the removal window is over
            return active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "DEGRADED") == 1;
        });
        assertThat(cache.getService("greeter").get(0).nodes()).hasSize(2);
        store.writeBack();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "CURRENT") == 1);
        assertThat(active(MicrometerObserver.CACHE_STATUS, SERVICE_NAME, "greeter", "status", "DEGRADED")).isZero();

        // Closing the cache ends every task: nothing is followed any more.
        cache.close();
        assertThat(meters.find(MicrometerObserver.CACHE_STATUS).longTaskTimers())
                .allSatisfy(timer -> assertThat(timer.activeTasks()).isZero());
    }

    @Test
    void selectionsByOutcomeAndEjectionsAreCounted() {
        MemoryStore store = track(new MemoryStore());
        MemoryRegistry client = track(store.client(RegistryObserverNone.NONE));
        client.register(greeter("a", "b"));
        CachingRegistry cache = track(CachingRegistry.view(client, CacheOptions.builder().observer(observer).build()));
        Selector selector = track(Selector.of(cache, Strategy.roundRobin(),
                new Ejection(1, Duration.ofSeconds(10), Duration.ofSeconds(10))));

        selector.select("greeter");
        selector.select("greeter", Filter.version("1.0"));
        selector.acquire("greeter").close();
        assertThat(count(MicrometerObserver.SELECTIONS, SERVICE_NAME, "greeter", "outcome", "success")).isEqualTo(3);

        assertThatThrownBy(() -> selector.select("nobody")).isInstanceOf(NoSuchServiceException.class);
        assertThatThrownBy(() -> selector.select("greeter", Filter.version("9")))
                .isInstanceOf(NoEligibleNodeException.class);
        assertThat(count(MicrometerObserver.SELECTIONS, SERVICE_NAME, "nobody", "outcome", "no-such-service")).isEqualTo(1);
        assertThat(count(MicrometerObserver.SELECTIONS, SERVICE_NAME, "greeter", "outcome", "no-eligible-node"))
                .isEqualTo(1);

        Selection call = selector.acquire("greeter");
        call.failure();
        assertThat(count(MicrometerObserver.EJECTIONS, SERVICE_NAME, "greeter")).isEqualTo(1);
    }

    @Test
    void aCountedSelectionAllocatesNothing() {
        MemoryStore store = track(new MemoryStore());
        MemoryRegistry client = track(store.client(RegistryObserverNone.NONE));
        client.register(greeter("a", "b", "c"));
        CachingRegistry cache = track(CachingRegistry.view(client, CacheOptions.builder().observer(observer).build()));
        Selector selector = track(Selector.of(cache, Strategy.roundRobin()));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 100_000; i++) {
            sink += selector.select("greeter").id().length();
        }
        long before = threads.getThreadAllocatedBytes(self);
        for (int i = 0; i < 200_000; i++) {
            sink += selector.select("greeter").id().length();
        }
        long allocated = threads.getThreadAllocatedBytes(self) - before;
        assertThat(sink).isEqualTo(300_000);
        // One object per selection would be at least 16 B x 200,000 = 3.2 MB; the JIT and the
        // measurement itself may account for a few KB.
        assertThat(allocated).as("bytes allocated by 200,000 counted selections").isLessThan(16 * 1024);
        assertThat(count(MicrometerObserver.SELECTIONS, SERVICE_NAME, "greeter", "outcome", "success"))
                .isEqualTo(300_000);
    }

    @Test
    void onTheClassPathEveryClientReportsToTheGlobalRegistry() {
        Metrics.addRegistry(meters);
        try (MemoryRegistry client = MemoryRegistry.standalone();
             Selector selector = Selector.of(client, Strategy.random())) {
            assertThat(client.observer()).hasToString("MicrometerObserver[CompositeMeterRegistry]");
            client.register(greeter("global-a"));
            assertThat(active(MicrometerObserver.REGISTRATIONS, SERVICE_NAME, "greeter")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(selector.select("greeter").id()).isEqualTo("global-a"));
            assertThat(count(MicrometerObserver.SELECTIONS, SERVICE_NAME, "greeter", "outcome", "success"))
                    .isGreaterThanOrEqualTo(1);
        } finally {
            Metrics.removeRegistry(meters);
        }
        assertThat(Metrics.globalRegistry.find(MicrometerObserver.REGISTRATIONS).tags(SERVICE_NAME, "greeter")
                .longTaskTimer().activeTasks()).isZero();
    }
}

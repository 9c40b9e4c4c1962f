package io.microregistry.metrics;

import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheOptions;
import io.microregistry.cache.CacheStatus;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.cache.SwitchableRegistry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import io.microregistry.selector.Ejection;
import io.microregistry.selector.Filter;
import io.microregistry.selector.NoSuchServiceException;
import io.microregistry.selector.Selection;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The observer SPI: found once per client, free when absent, and never able to break the registry. */
@Timeout(30)
class RegistryObserverTest {

    private final MemoryStore store = new MemoryStore();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        store.close();
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

    /** Counts every call per event, and throws from every one of them. */
    private static final class ThrowingObserver implements RegistryObserver {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final List<CacheStatus.State> cacheStates = new CopyOnWriteArrayList<>();

        private void fail(String event) {
            calls.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet();
            throw new IllegalStateException("observer broken on purpose: " + event);
        }

        int calls(String event) {
            AtomicInteger count = calls.get(event);
            return count == null ? 0 : count.get();
        }

        @Override
        public void registrationKept(String service, String nodeId) {
            fail("registrationKept");
        }

        @Override
        public void registrationReleased(String service, String nodeId) {
            fail("registrationReleased");
        }

        @Override
        public void livenessLost(String primitive, int records) {
            fail("livenessLost");
        }

        @Override
        public void writtenBack(String service, String nodeId) {
            fail("writtenBack");
        }

        @Override
        public void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
            fail("watchStatusChanged");
        }

        @Override
        public void watchResync(Optional<String> service, boolean succeeded) {
            fail("watchResync");
        }

        @Override
        public void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
            cacheStates.add(to);
            fail("cacheStatusChanged");
        }

        @Override
        public void selected(String service) {
            fail("selected");
        }

        @Override
        public void selectionFailed(String service, RuntimeException failure) {
            fail("selectionFailed");
        }

        @Override
        public void ejected(String service, String nodeId, Duration period) {
            fail("ejected");
        }
    }

    @Test
    void withoutAnImplementationOnTheClassPathEveryClientHoldsTheNoOpObserver() {
        assertThat(RegistryObserver.discover()).isSameAs(RegistryObserver.none());
        MemoryRegistry client = track(store.client());
        assertThat(client.observer()).isSameAs(RegistryObserver.none());
        CachingRegistry cache = track(CachingRegistry.view(client));
        assertThat(cache.observer()).isSameAs(RegistryObserver.none());
    }

    @Test
    void guardingIsIdempotentAndLeavesTheNoOpObserverAlone() {
        RegistryObserver plain = new RegistryObserver() { };
        RegistryObserver guarded = RegistryObserver.guarded(plain);
        assertThat(guarded).isNotSameAs(plain);
        assertThat(RegistryObserver.guarded(guarded)).isSameAs(guarded);
        assertThat(RegistryObserver.guarded(RegistryObserver.none())).isSameAs(RegistryObserver.none());
        assertThatThrownBy(() -> RegistryObserver.guarded(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectingWithTheNoOpObserverOrAnEmptyOneAllocatesNothing() {
        MemoryRegistry client = track(store.client(RegistryObserver.none()));
        client.register(greeter("a", "b", "c"));
        Filter v1 = Filter.version("1.0");
        for (RegistryObserver observer : List.of(RegistryObserver.none(), new RegistryObserver() { })) {
            CachingRegistry cache = track(CachingRegistry.view(client, CacheOptions.builder().observer(observer).build()));
            Selector selector = track(Selector.of(cache, Strategy.roundRobin()));
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long self = Thread.currentThread().getId();
            int sink = 0;
            for (int i = 0; i < 20_000; i++) {
                sink += selector.select("greeter").id().length() + selector.select("greeter", v1).id().length();
            }
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < 100_000; i++) {
                sink += selector.select("greeter").id().length() + selector.select("greeter", v1).id().length();
            }
            long allocated = threads.getThreadAllocatedBytes(self) - before;
            assertThat(sink).isEqualTo(240_000);
            assertThat(allocated).as("bytes allocated by 200,000 selections observed by %s", observer).isLessThan(1024);
        }
    }

    @Test
    void anObserverThatThrowsEverywhereBreaksNothing() {
        ThrowingObserver observer = new ThrowingObserver();
        MemoryRegistry client = track(store.client(observer));
        MemoryRegistry publisher = track(store.client(RegistryObserver.none()));

        client.register(greeter("a", "b"));
        client.register(greeter("a", "b"));
        assertThat(client.getService("greeter").get(0).nodes()).hasSize(2);
        client.deregister(greeter("b"));
        assertThat(observer.calls("registrationKept")).isEqualTo(2);
        assertThat(observer.calls("registrationReleased")).isEqualTo(1);

        // A subscription whose watch breaks and resyncs still delivers, through the throwing observer.
        SwitchableRegistry flaky = new SwitchableRegistry(publisher);
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        Subscription subscription = track(client.subscribe(WatchOptions.service("greeter"), new WatchListener() {
            @Override
            public void onSnapshot(List<Service> current) {
            }

            @Override
            public void onEvent(WatchEvent event) {
                events.add(event);
            }
        }));
        publisher.register(greeter("c"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        store.close();   // breaks every watch of the store: the feed resyncs
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.calls("watchResync") >= 1
                && subscription.status().isCurrent() && observer.calls("watchStatusChanged") >= 2);
        publisher.register(greeter("d"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);

        // The cache and the selector over it: statuses, selections, failures and ejections all reported, all swallowed.
        CachingRegistry cache = track(CachingRegistry.view(flaky, CacheOptions.builder().observer(observer).build()));
        Selector selector = track(Selector.of(cache, Strategy.roundRobin(),
                new Ejection(1, Duration.ofSeconds(10), Duration.ofSeconds(10))));
        assertThat(selector.select("greeter").id()).isIn("a", "c", "d");
        assertThat(observer.cacheStates).contains(CacheStatus.State.CURRENT);
        assertThatThrownBy(() -> selector.select("nobody")).isInstanceOf(NoSuchServiceException.class);
        Selection call = selector.acquire("greeter");
        call.failure();
        assertThat(observer.calls("selected")).isEqualTo(2);
        assertThat(observer.calls("selectionFailed")).isEqualTo(1);
        assertThat(observer.calls("ejected")).isEqualTo(1);
        flaky.fail(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.status("greeter").isStale());
        assertThat(selector.select("greeter").id()).isIn("a", "c", "d");
        flaky.recover();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.status("greeter").state() == CacheStatus.State.CURRENT);

        cache.close();
        assertThat(observer.cacheStates).endsWith(CacheStatus.State.NOT_LOADED);
        client.close();
        assertThat(observer.calls("registrationReleased")).isEqualTo(2);
    }
}

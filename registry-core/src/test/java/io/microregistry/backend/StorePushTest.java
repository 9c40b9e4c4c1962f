package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import io.microregistry.metrics.RegistryObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The core over a store that pushes: no thread per followed prefix, pushes that race the first
 * read, a watch that breaks, and the pull-style watcher as an adapter over the push.
 */
@Timeout(60)
class StorePushTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Service record(String name, String nodeId) {
        return new Service(name, "1", Map.of(), List.of(), List.of(Node.of(nodeId, "127.0.0.1:1")));
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    /** Node ids by event, and the statuses, as a listener saw them. */
    private static final class Seen implements WatchListener {
        final List<String> snapshot = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<WatchStatus.State> states = new CopyOnWriteArrayList<>();

        @Override
        public void onSnapshot(List<Service> current) {
            current.forEach(v -> v.nodes().forEach(n -> snapshot.add(n.id())));
        }

        @Override
        public void onEvent(WatchEvent event) {
            events.add(event.type() + " " + event.node().id());
        }

        @Override
        public void onStatus(WatchStatus status) {
            states.add(status.state());
        }
    }

    @Test
    void followingManyPrefixesOfAStoreStartsNoWatchThread() {
        MemoryStore store = new MemoryStore();
        try (MemoryRegistry publisher = store.client(); MemoryRegistry follower = store.client()) {
            long before = threads("micro-registry-watch");
            List<Subscription> subscriptions = new ArrayList<>();
            Seen all = new Seen();
            subscriptions.add(follower.subscribe(WatchOptions.all(), all));
            for (int i = 0; i < 50; i++) {
                subscriptions.add(follower.subscribe(WatchOptions.service("svc-" + i), new Seen()));
            }
            publisher.register(record("svc-7", "n1"), RegisterOptions.defaults());

            await().atMost(BOUND).until(() -> all.events.contains("CREATE n1"));
            assertThat(threads("micro-registry-watch") - before).as("watch threads for 51 prefixes").isZero();
            subscriptions.forEach(Subscription::close);
        } finally {
            store.close();
        }
    }

    @Test
    void pushesThatRaceTheFirstReadAreAppliedOnTopOfIt() throws Exception {
        ScriptedStore store = new ScriptedStore();
        store.data.put("x", record("svc", "x"));
        store.holdReads();
        try (StoreRegistry registry = new StoreRegistry(store, RegistryObserver.none())) {
            Seen seen = new Seen();
            CompletableFuture<Subscription> subscribing =
                    CompletableFuture.supplyAsync(() -> registry.subscribe(WatchOptions.service("svc"), seen));
            assertThat(store.readStarted.await(10, TimeUnit.SECONDS)).as("read started").isTrue();
            // The read already took its snapshot (x); these changes reach the store after it.
            store.remove("x");
            store.put(record("svc", "y"));
            store.releaseReads();
            Subscription subscription = subscribing.get(10, TimeUnit.SECONDS);

            await().atMost(BOUND).until(() -> !seen.snapshot.isEmpty() || !seen.events.isEmpty());
            assertThat(seen.snapshot).containsExactly("y");
            store.put(record("svc", "z"));
            await().atMost(BOUND).until(() -> seen.events.contains("CREATE z"));
            assertThat(seen.events).containsExactly("CREATE z");
            subscription.close();
        }
    }

    @Test
    void aBrokenWatchIsReopenedAndWhatChangedMeanwhileDelivered() {
        ScriptedStore store = new ScriptedStore();
        store.put(record("svc", "a"));
        try (StoreRegistry registry = new StoreRegistry(store, RegistryObserver.none())) {
            Seen seen = new Seen();
            Subscription subscription = registry.subscribe(WatchOptions.all(), seen);
            await().atMost(BOUND).until(() -> seen.snapshot.contains("a"));
            assertThat(store.openWatches()).isEqualTo(1);

            store.breakWatches();
            // Changed while nobody watched: only the re-read can find these.
            store.data.remove("a");
            store.data.put("b", record("svc", "b"));

            await().atMost(BOUND).until(() -> seen.states.contains(WatchStatus.State.CURRENT));
            assertThat(seen.states).containsExactly(WatchStatus.State.RESYNCING, WatchStatus.State.CURRENT);
            await().atMost(BOUND).until(() -> seen.events.size() == 2);
            assertThat(seen.events).containsExactlyInAnyOrder("DELETE a", "CREATE b");
            assertThat(store.openWatches()).as("the broken watch was released, one re-opened").isEqualTo(1);

            store.put(record("svc", "c"));
            await().atMost(BOUND).until(() -> seen.events.contains("CREATE c"));
            subscription.close();
            assertThat(store.openWatches()).isZero();
        }
    }

    @Test
    void aPullWatcherIsTheStoresPushQueuedAndReportsItsStatus() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        try (StoreRegistry registry = new StoreRegistry(store, RegistryObserver.none())) {
            Watcher watcher = registry.watch(WatchOptions.service("svc"));
            store.put(record("other", "o"));
            store.put(record("svc", "a"));
            assertThat(watcher.next(BOUND)).map(e -> e.node().id()).contains("a");

            store.pushStatus(WatchStatus.of(WatchStatus.State.RESYNCING, new RegistryUnavailableException("gone", null)));
            assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.RESYNCING);

            watcher.stop();
            assertThat(store.openWatches()).as("stopping the watcher closes the store's watch").isZero();
        }
    }

    @Test
    void aPullWatcherWhoseStoreWatchBreaksStopsAndIsReleased() {
        ScriptedStore store = new ScriptedStore();
        try (StoreRegistry registry = new StoreRegistry(store, RegistryObserver.none())) {
            Watcher watcher = registry.watch(WatchOptions.all());
            assertThat(registry.openWatchers()).isEqualTo(1);

            store.breakWatches();

            assertThat(watcher.isStopped()).isTrue();
            assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.STALE);
            assertThat(store.closes.get()).as("the broken store watch was closed").isEqualTo(1);
            assertThat(registry.openWatchers()).as("the client no longer holds it").isZero();
        }
    }

    /** A store in this JVM whose watches push what the test does, and whose reads can be held. */
    private static final class ScriptedStore implements RegistryStore {
        final Map<String, Service> data = new ConcurrentHashMap<>();
        final List<WatchSink> sinks = new CopyOnWriteArrayList<>();
        final CountDownLatch readStarted = new CountDownLatch(1);
        final AtomicInteger closes = new AtomicInteger();
        private volatile CountDownLatch readGate = new CountDownLatch(0);

        void holdReads() {
            readGate = new CountDownLatch(1);
        }

        void releaseReads() {
            readGate.countDown();
        }

        int openWatches() {
            return sinks.size();
        }

        synchronized void put(Service record) {
            Service old = data.put(record.nodes().get(0).id(), record);
            sinks.forEach(s -> s.event(old == null ? WatchEvent.create(record) : WatchEvent.update(record)));
        }

        synchronized void remove(String nodeId) {
            Service old = data.remove(nodeId);
            sinks.forEach(s -> s.event(WatchEvent.delete(old)));
        }

        void pushStatus(WatchStatus status) {
            sinks.forEach(s -> s.status(status));
        }

        void breakWatches() {
            List<WatchSink> broken = List.copyOf(sinks);
            sinks.clear();
            broken.forEach(s -> s.broken(new RegistryUnavailableException("connection reset", null)));
        }

        @Override
        public String describe() {
            return "scripted store";
        }

        @Override
        public Duration ttlClass(Duration ttl) {
            return ttl;
        }

        @Override
        public LivenessGroup openGroup(Duration ttlClass) {
            throw new UnsupportedOperationException("reads and watches only");
        }

        @Override
        public List<Service> read(Optional<String> name) {
            List<Service> snapshot = data.values().stream()
                    .filter(r -> name.isEmpty() || r.name().equals(name.get())).toList();
            readStarted.countDown();
            try {
                readGate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return snapshot;
        }

        @Override
        public void remove(String serviceName, String nodeId, boolean includingOwn) {
        }

        @Override
        public PrefixWatch watch(WatchOptions options, WatchSink sink) {
            sinks.add(sink);
            return () -> {
                sinks.remove(sink);
                closes.incrementAndGet();
            };
        }

        @Override
        public void close() {
        }
    }
}

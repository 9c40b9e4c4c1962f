package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.cache.SwitchableRegistry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The push hub: one backend watch per prefix per client, bounded delivery, coalescing, health. */
@Timeout(60)
class SubscriptionHubTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final MemoryStore store = new MemoryStore();
    private final MemoryRegistry publisher = store.client();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        publisher.close();
        store.close();
    }

    private static Service record(String name, String nodeId, String version) {
        return new Service(name, version, Map.of(), List.of(), List.of(Node.of(nodeId, "127.0.0.1:1")));
    }

    /** Follows a view by events: node key to record. */
    private static class View implements WatchListener {
        final Map<String, Service> nodes = new java.util.concurrent.ConcurrentHashMap<>();
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();
        final List<WatchStatus> statuses = new CopyOnWriteArrayList<>();

        @Override
        public void onSnapshot(List<Service> current) {
            current.forEach(v -> v.nodes().forEach(n -> nodes.put(v.name() + "/" + n.id(), v.withNode(n))));
        }

        @Override
        public void onEvent(WatchEvent event) {
            events.add(event);
            String key = event.service().name() + "/" + event.node().id();
            if (event.type() == WatchEvent.Type.DELETE) {
                nodes.remove(key);
            } else {
                nodes.put(key, event.service());
            }
        }

        @Override
        public void onStatus(WatchStatus status) {
            statuses.add(status);
        }
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
    }

    @Test
    void manySubscribersOfAPrefixShareOneBackendWatchAndBoundedThreads() {
        SwitchableRegistry backend = new SwitchableRegistry(store.client());
        closing.add(backend);
        SubscriptionHub hub = new SubscriptionHub(backend);
        closing.add(hub);
        long watchThreadsBefore = threads("micro-registry-watch");
        java.util.Set<Thread> existing = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        List<View> views = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            View view = new View();
            views.add(view);
            hub.subscribe(i % 2 == 0 ? WatchOptions.service("greeter") : WatchOptions.all(), view);
        }
        assertThat(backend.watches()).as("backend watches for 200 subscribers of 2 prefixes").isEqualTo(2);
        assertThat(hub.openWatches()).isEqualTo(2);
        publisher.register(record("greeter", "a", "1"));
        publisher.register(record("other", "o", "1"));
        await().atMost(BOUND).untilAsserted(() -> {
            for (int i = 0; i < views.size(); i++) {
                assertThat(views.get(i).nodes.keySet()).containsExactlyInAnyOrderElementsOf(
                        i % 2 == 0 ? List.of("greeter/a") : List.of("greeter/a", "other/o"));
            }
        });
        assertThat(threads("micro-registry-watch") - watchThreadsBefore).as("pump threads").isEqualTo(2);
        long newDeliveryThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !existing.contains(t) && t.getName().startsWith("micro-registry-delivery")).count();
        assertThat(newDeliveryThreads).as("delivery threads started for 200 subscribers")
                .isLessThanOrEqualTo(SubscriptionHub.DELIVERY_THREADS);
    }

    @Test
    void theLastSubscriberToLeaveClosesThePrefixWatch() {
        SubscriptionHub hub = new SubscriptionHub(publisher);
        closing.add(hub);
        Subscription first = hub.subscribe(WatchOptions.service("greeter"), new View());
        Subscription second = hub.subscribe(WatchOptions.service("greeter"), new View());
        first.close();
        assertThat(hub.openWatches()).isEqualTo(1);
        second.close();
        assertThat(hub.openWatches()).isZero();
        assertThat(second.isClosed()).isTrue();
    }

    @Test
    void aSlowListenerGetsEveryNodesLatestStateNotABacklog() throws Exception {
        SubscriptionHub hub = new SubscriptionHub(publisher);
        closing.add(hub);
        CountDownLatch release = new CountDownLatch(1);
        View view = new View() {
            @Override
            public void onSnapshot(List<Service> current) {
                try {
                    // Blocks the listener while the world changes 10,000 times.
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onSnapshot(current);
            }
        };
        View fast = new View();
        hub.subscribe(WatchOptions.service("greeter"), view);
        hub.subscribe(WatchOptions.service("greeter"), fast);
        Map<String, Service> expected = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            Service record = record("greeter", "n" + (i % 10), "v" + i);
            publisher.register(record);
            expected.put("greeter/n" + (i % 10), record);
        }
        publisher.deregister(record("greeter", "n9", "x"));
        expected.remove("greeter/n9");
        // Every change has reached the hub (the other subscriber has it all) before the slow one wakes.
        await().atMost(BOUND).untilAsserted(() -> assertThat(fast.nodes).isEqualTo(expected));
        assertThat(fast.events.size()).as("a listener that keeps up may see many of them").isGreaterThan(10);
        release.countDown();
        await().atMost(BOUND).untilAsserted(() -> assertThat(view.nodes).isEqualTo(expected));
        assertThat(view.events.size()).as("events waiting for the blocked listener: at most one per node")
                .isLessThanOrEqualTo(10);
    }

    @Test
    void healthOfTheBackendWatchReachesEverySubscriberOncePerChangeAndABreakResyncs() {
        SwitchableRegistry backend = new SwitchableRegistry(store.client());
        closing.add(backend);
        SubscriptionHub hub = new SubscriptionHub(backend);
        closing.add(hub);
        publisher.register(record("greeter", "a", "1"));
        View view = new View();
        Subscription subscription = hub.subscribe(WatchOptions.service("greeter"), view);
        await().atMost(BOUND).until(() -> view.nodes.size() == 1);

        // An outage the watch rides out: it says STALE, once.
        backend.fail(false);
        await().atMost(BOUND).until(() -> subscription.status().state() == WatchStatus.State.STALE);
        backend.recover();
        await().atMost(BOUND).until(() -> subscription.status().isCurrent());
        await().atMost(BOUND).until(() -> view.statuses.size() == 2);
        assertThat(view.statuses).extracting(WatchStatus::state)
                .containsExactly(WatchStatus.State.STALE, WatchStatus.State.CURRENT);

        // A break: the watch is re-opened, the prefix re-read, and what changed meanwhile delivered.
        backend.fail(true);
        publisher.register(record("greeter", "b", "1"));
        publisher.deregister(record("greeter", "a", "1"));
        await().atMost(BOUND).until(() -> !subscription.status().isCurrent());
        backend.recover();
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(subscription.status().isCurrent()).isTrue();
            assertThat(view.nodes.keySet()).containsExactly("greeter/b");
        });
        assertThat(view.statuses.get(2).state()).isIn(WatchStatus.State.RESYNCING, WatchStatus.State.STALE);
        assertThat(view.statuses.get(view.statuses.size() - 1).state()).isEqualTo(WatchStatus.State.CURRENT);
        assertThat(backend.watches()).isEqualTo(2);
    }

    @Test
    void aListenerThatThrowsKeepsItsSubscription() {
        SubscriptionHub hub = new SubscriptionHub(publisher);
        closing.add(hub);
        List<WatchEvent> seen = new CopyOnWriteArrayList<>();
        hub.subscribe(WatchOptions.all(), event -> {
            seen.add(event);
            throw new IllegalStateException("listener bug");
        });
        publisher.register(record("greeter", "a", "1"));
        publisher.register(record("greeter", "b", "1"));
        await().atMost(BOUND).until(() -> seen.size() == 2);
    }

    @Test
    void aClientsSubscriptionsEndWithItAndSayWhy() {
        Registry client = store.client();
        View view = new View();
        Subscription subscription = client.subscribe(WatchOptions.all(), view);
        client.close();
        assertThat(subscription.isClosed()).isTrue();
        await().atMost(BOUND).until(() -> !view.statuses.isEmpty());
        assertThat(view.statuses.get(0).state()).isEqualTo(WatchStatus.State.STALE);
    }
}

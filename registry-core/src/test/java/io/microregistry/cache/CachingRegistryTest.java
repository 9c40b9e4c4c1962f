package io.microregistry.cache;

import io.microregistry.Backoff;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.Timeout(60)
class CachingRegistryTest {

    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final CacheOptions FAST = new CacheOptions(
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)), Duration.ofSeconds(30));

    private MemoryStore store;
    private MemoryRegistry publisher;
    private SwitchableRegistry backend;
    private CachingRegistry cache;

    @BeforeEach
    void setUp() {
        store = new MemoryStore();
        publisher = store.client();
        backend = new SwitchableRegistry(store.client());
        cache = CachingRegistry.wrap(backend, FAST);
    }

    @AfterEach
    void tearDown() {
        cache.close();
        publisher.close();
        store.close();
    }

    private static Service greeter(String version, String... nodeIds) {
        Service.Builder builder = Service.builder("greeter").version(version);
        for (String id : nodeIds) {
            builder.node(id, "10.0.0." + id.length() + ":8080");
        }
        return builder.build();
    }

    private static List<String> nodeIds(List<Service> versions) {
        List<String> ids = new ArrayList<>();
        versions.forEach(v -> v.nodes().forEach(n -> ids.add(n.id())));
        return ids;
    }

    @Test
    void servesTheRegistryAndFollowsItsChanges() {
        publisher.register(greeter("1.0", "a", "b"));
        assertThat(cache.getService("greeter")).isEqualTo(publisher.getService("greeter"));
        assertThat(cache.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);

        publisher.register(greeter("2.0", "c"));
        publisher.deregister(greeter("1.0", "a"));
        await().atMost(BOUND).untilAsserted(() ->
                assertThat(cache.getService("greeter")).isEqualTo(publisher.getService("greeter")));
        assertThat(nodeIds(cache.getService("greeter"))).containsExactly("b", "c");
        assertThat(backend.reads()).as("changes arrive by watch, not by re-reading").isEqualTo(1);
    }

    @Test
    void updatesReplaceTheNodeInPlace() {
        publisher.register(greeter("1.0", "a"));
        cache.getService("greeter");
        publisher.register(Service.builder("greeter").version("1.0")
                .node(new Node("a", "10.9.9.9:1", java.util.Map.of("zone", "eu"))).build());
        await().atMost(BOUND).untilAsserted(() -> assertThat(cache.getService("greeter").get(0).nodes())
                .containsExactly(new Node("a", "10.9.9.9:1", java.util.Map.of("zone", "eu"))));
    }

    @Test
    void lookupsShareOneImmutableSnapshotUntilAChange() {
        publisher.register(greeter("1.0", "a"));
        List<Service> first = cache.getService("greeter");
        assertThat(cache.getService("greeter")).isSameAs(first);
        assertThatThrownBy(() -> first.add(greeter("9", "z"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.get(0).nodes().clear()).isInstanceOf(UnsupportedOperationException.class);

        publisher.register(greeter("1.0", "b"));
        await().atMost(BOUND).until(() -> cache.getService("greeter") != first);
        assertThat(nodeIds(first)).as("an old snapshot never changes").containsExactly("a");
    }

    @Test
    void unknownServiceIsEmptyAndWatchedUntilItAppears() {
        assertThat(cache.getService("nobody")).isEmpty();
        publisher.register(Service.builder("nobody").node("n1", "h:1").build());
        await().atMost(BOUND).untilAsserted(() -> assertThat(nodeIds(cache.getService("nobody"))).containsExactly("n1"));
    }

    @Test
    void unknownNamesCostNoThreadNorWatchNorRead() {
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        try (CachingRegistry slow = CachingRegistry.view(backend,
                new CacheOptions(FAST.reopenBackoff(), FAST.resyncInterval(), Duration.ofHours(1)))) {
            for (int i = 0; i < 300; i++) {
                assertThat(slow.getService("typo-" + i)).isEmpty();
                assertThat(slow.status("typo-" + i).state()).isEqualTo(CacheStatus.State.CURRENT);
            }
            assertThat(watchThreads()).as("watch threads after 300 unknown names").isEqualTo(1);
            assertThat(backend.watches()).as("backend watches after 300 unknown names").isEqualTo(1);
            int reads = backend.reads();
            for (int i = 0; i < 1_000; i++) {
                assertThat(slow.getService("typo-7")).isEmpty();
            }
            assertThat(backend.reads()).as("re-reads of unknown names").isEqualTo(reads).isEqualTo(1);
        }
    }

    @Test
    void anUnknownServiceIsFollowedOnceItHasNodes() {
        try (CachingRegistry quick = CachingRegistry.view(backend,
                new CacheOptions(FAST.reopenBackoff(), FAST.resyncInterval(), Duration.ofMillis(50)))) {
            assertThat(quick.getService("later")).isEmpty();
            CachedService handle = quick.cached("later");
            assertThat(backend.watches()).isEqualTo(1);

            publisher.register(Service.builder("later").node("n1", "h:1").build());
            await().atMost(BOUND).untilAsserted(() -> assertThat(nodeIds(quick.getService("later"))).containsExactly("n1"));
            assertThat(nodeIds(handle.versions())).as("a handle taken while unknown").containsExactly("n1");
            assertThat(backend.watches()).as("followed through the same one watch").isEqualTo(1);

            // From now on changes arrive by watch, without re-reading.
            int reads = backend.reads();
            publisher.register(Service.builder("later").node("n2", "h:2").build());
            await().atMost(BOUND).untilAsserted(() -> assertThat(nodeIds(quick.getService("later"))).containsExactly("n1", "n2"));
            assertThat(backend.reads()).isEqualTo(reads);
        }
    }

    @Test
    void anUnknownServiceWhoseReReadFailsIsStaleThenCurrentAgain() {
        try (CachingRegistry quick = CachingRegistry.view(backend,
                new CacheOptions(FAST.reopenBackoff(), FAST.resyncInterval(), Duration.ofMillis(20)))) {
            assertThat(quick.getService("later")).isEmpty();
            backend.fail(false);
            await().atMost(BOUND).untilAsserted(() -> {
                assertThat(quick.getService("later")).as("stale beats throwing").isEmpty();
                assertThat(quick.status("later").isStale()).isTrue();
            });
            backend.recover();
            publisher.register(Service.builder("later").node("n1", "h:1").build());
            await().atMost(BOUND).untilAsserted(() -> {
                assertThat(nodeIds(quick.getService("later"))).containsExactly("n1");
                assertThat(quick.status("later").state()).isEqualTo(CacheStatus.State.CURRENT);
            });
        }
    }

    @Test
    void aWaiterOnAFailedFirstLoadGetsTheSameKindOfFailure() throws Exception {
        publisher.register(greeter("1.0", "a"));
        CountDownLatch inRead = new CountDownLatch(1);
        AtomicReference<Thread> waiter = new AtomicReference<>();
        RegistryAuthenticationException denied = new RegistryAuthenticationException("test: bad credentials",
                new IOException("permission denied (simulated)"));
        backend.afterRead(() -> {
            backend.afterRead(() -> { });
            inRead.countDown();
            // Fail only once the other lookup is parked on this load.
            await().atMost(BOUND).until(() -> waiter.get() != null && waiter.get().getState() == Thread.State.WAITING);
            throw denied;
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Service>> loader = pool.submit(() -> cache.getService("greeter"));
            assertThat(inRead.await(5, TimeUnit.SECONDS)).isTrue();
            Future<List<Service>> waiting = pool.submit(() -> {
                waiter.set(Thread.currentThread());
                return cache.getService("greeter");
            });
            assertThatThrownBy(() -> loader.get(10, TimeUnit.SECONDS)).hasCause(denied);
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessage("test: bad credentials")
                    .hasCause(denied);
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.reads()).isEqualTo(1);
    }

    @Test
    void aWatchThreadInterruptedByAnyoneButCloseSaysTheServiceIsNoLongerFollowed() {
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        publisher.register(greeter("1.0", "a"));
        List<Service> before = cache.getService("greeter");
        Thread follower = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("micro-registry-watch") && t.isAlive())
                .findFirst().orElseThrow();
        follower.interrupt();
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        await().atMost(BOUND).until(() -> cache.status("greeter").isStale());
        CacheStatus status = cache.status("greeter");
        assertThat(status.isStale()).as("status after the thread ended: %s", status).isTrue();
        assertThat(status.lastFailure()).get().extracting(Throwable::getMessage).asString().contains("interrupted");
        assertThat(cache.getService("greeter")).isEqualTo(before);
    }

    @Test
    void concurrentFirstLookupsCauseOneBackendRead() throws Exception {
        publisher.register(greeter("1.0", "a"));
        int threads = 8;
        CountDownLatch entered = new CountDownLatch(threads);
        // Hold the first read until every thread has asked, so they pile up behind it.
        backend.afterRead(() -> {
            try {
                entered.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Service>>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    entered.countDown();
                    return cache.getService("greeter");
                }));
            }
            List<Service> expected = publisher.getService("greeter");
            for (Future<List<Service>> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backend.reads()).isEqualTo(1);
        assertThat(backend.watches()).isEqualTo(1);
    }

    @Test
    void aChangeRightAfterTheFirstReadIsNotLost() {
        publisher.register(greeter("1.0", "a"));
        // The change lands after the read was taken but before the cache applies it: only a watch
        // opened before the read can deliver it.
        backend.afterRead(() -> {
            backend.afterRead(() -> { });
            publisher.register(greeter("1.0", "late"));
        });
        assertThat(nodeIds(cache.getService("greeter"))).startsWith("a");
        await().atMost(BOUND).untilAsserted(() ->
                assertThat(nodeIds(cache.getService("greeter"))).containsExactly("a", "late"));
    }

    @Test
    void servesStaleDataThroughAnOutageAndResyncsAfter() {
        publisher.register(greeter("1.0", "a", "b"));
        List<Service> before = cache.getService("greeter");

        backend.fail(true);
        await().atMost(BOUND).until(() -> cache.status("greeter").isStale());
        CacheStatus stale = cache.status("greeter");
        assertThat(stale.lastFailure()).get().isInstanceOf(RegistryUnavailableException.class);
        // The world moves on while the cache cannot see it.
        publisher.register(greeter("1.0", "c"));
        publisher.deregister(greeter("1.0", "a"));
        assertThat(cache.getService("greeter")).as("stale beats empty").isEqualTo(before);
        assertThat(cache.status("greeter").isStale()).isTrue();

        backend.recover();
        await().atMost(BOUND).untilAsserted(() -> {
            assertThat(cache.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);
            assertThat(nodeIds(cache.getService("greeter"))).containsExactly("b", "c");
        });
        assertThat(cache.status("greeter").lastFailure()).isEmpty();
        // And the re-opened watch delivers again.
        publisher.register(greeter("1.0", "d"));
        await().atMost(BOUND).untilAsserted(() ->
                assertThat(nodeIds(cache.getService("greeter"))).containsExactly("b", "c", "d"));
    }

    @Test
    void anOutageTheWatchRidesOutIsReportedThroughItsStatusWithoutPeriodicReReads() {
        try (CachingRegistry probing = CachingRegistry.view(backend, FAST)) {
            publisher.register(greeter("1.0", "a"));
            List<Service> before = probing.getService("greeter");

            backend.fail(false);
            await().atMost(BOUND).until(() -> probing.status("greeter").isStale());
            assertThat(probing.getService("greeter")).isEqualTo(before);

            assertThat(probing.status("greeter").lastFailure()).get().extracting(Throwable::getMessage).asString()
                    .contains("test outage");

            backend.recover();
            await().atMost(BOUND).until(() -> probing.status("greeter").state() == CacheStatus.State.CURRENT);
            assertThat(backend.reads()).as("no re-read: the watch's status told").isEqualTo(1);
        }
    }

    @Test
    void aFailedFirstReadThrowsInsteadOfAnsweringEmptyAndIsRetriedLater() {
        publisher.register(greeter("1.0", "a"));
        backend.fail(false);
        assertThatThrownBy(() -> cache.getService("greeter"))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("test outage");
        assertThat(cache.status("greeter").state()).isEqualTo(CacheStatus.State.NOT_LOADED);

        backend.recover();
        assertThat(nodeIds(cache.getService("greeter"))).containsExactly("a");
    }

    @Test
    void aLoadedLookupAllocatesNothing() {
        publisher.register(greeter("1.0", "a", "b", "c"));
        cache.getService("greeter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += cache.getService("greeter").size();
        }
        // The fewest bytes of five rounds: a round can catch a one-off allocation of the JVM's own
        // on this thread (a deoptimisation, a safepoint's bookkeeping) on a loaded machine, but a
        // lookup that allocated anything would cost MBs in every round.
        long fewest = Long.MAX_VALUE;
        int rounds = 0;
        for (; rounds < 5 && fewest >= 1024; rounds++) {
            long before = threads.getThreadAllocatedBytes(self);
            for (int i = 0; i < 100_000; i++) {
                sink += cache.getService("greeter").size();
            }
            fewest = Math.min(fewest, threads.getThreadAllocatedBytes(self) - before);
        }
        assertThat(sink).as("one version per lookup").isEqualTo(20_000 + rounds * 100_000);
        assertThat(fewest).isLessThan(1024);
    }

    @Test
    void closeStopsTheWatchesClosesAnOwnedRegistryAndRefusesLaterCalls() {
        // Threads of caches closed by earlier tests end asynchronously: start from none.
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        publisher.register(greeter("1.0", "a"));
        publisher.register(Service.builder("other").node("o1", "h:1").build());
        cache.getService("greeter");
        cache.getService("other");
        cache.getService("nobody");
        assertThat(watchThreads()).as("one for every service followed, none for an unknown one").isEqualTo(1);
        assertThat(backend.watches()).isEqualTo(1);

        cache.close();
        cache.close();
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        assertThatThrownBy(() -> cache.getService("greeter")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> backend.getService("greeter")).as("wrap() owns the registry")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aViewLeavesTheRegistryOpen() {
        MemoryRegistry client = store.client();
        CachingRegistry view = CachingRegistry.view(client);
        publisher.register(greeter("1.0", "a"));
        assertThat(nodeIds(view.getService("greeter"))).containsExactly("a");
        view.close();
        assertThat(nodeIds(client.getService("greeter"))).containsExactly("a");
        client.close();
    }

    @Test
    void aViewWhoseRegistryIsClosedUnderItKeepsTheLastSnapshotAndStopsItsThread() {
        MemoryRegistry client = store.client();
        CachingRegistry view = CachingRegistry.view(client, FAST);
        publisher.register(greeter("1.0", "a"));
        List<Service> before = view.getService("greeter");
        client.close();
        await().atMost(BOUND).until(() -> view.status("greeter").isStale());
        await().atMost(BOUND).until(() -> watchThreads() == 0);
        assertThat(view.getService("greeter")).isEqualTo(before);
        view.close();
    }

    @Test
    void rejectsBadNames() {
        assertThatThrownBy(() -> cache.getService(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> cache.getService(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThat(backend.reads()).isZero();
    }

    @Test
    void writesAndListingGoToTheRegistry() {
        cache.register(greeter("1.0", "mine"));
        assertThat(nodeIds(publisher.getService("greeter"))).containsExactly("mine");
        assertThat(cache.listServices()).extracting(Service::name).containsExactly("greeter");
        cache.deregister(greeter("1.0", "mine"));
        assertThat(publisher.getService("greeter")).isEmpty();
    }


    private static int size(List<Service> versions) {
        return versions.stream().mapToInt(v -> v.nodes().size()).sum();
    }

    @Test
    void aMassRemovalIsHeldAsDegradedWhileItComesBackAndWhatDoesNotIsDroppedAfterTheHold() {
        Duration hold = Duration.ofSeconds(2);
        try (CachingRegistry preserving = CachingRegistry.view(backend, CacheOptions.builder().preservation(hold).build())) {
            publisher.register(greeter("1.0", "a", "b", "c", "d", "e", "f"));
            publisher.register(Service.builder("other").node("o1", "h:1").build());
            assertThat(size(preserving.getService("greeter"))).isEqualTo(6);

            long lost = System.nanoTime();
            // The backend loses the data (a restore, a wipe): every node gone in one burst.
            publisher.deregister(greeter("1.0", "a", "b", "c", "d", "e", "f"));
            publisher.deregister(Service.builder("other").node("o1", "h:1").build());
            await().atMost(BOUND).until(() -> preserving.status("greeter").state() == CacheStatus.State.DEGRADED);
            assertThat(preserving.status("greeter").lastFailure()).get().extracting(Throwable::getMessage).asString()
                    .contains("self-preservation");
            assertThat(preserving.status("other").state()).isEqualTo(CacheStatus.State.DEGRADED);
            assertThat(size(preserving.getService("greeter"))).as("still served").isEqualTo(6);

            // All but f and o1 come back, one with a new address.
            publisher.register(greeter("1.0", "a", "b", "c", "d"));
            publisher.register(Service.builder("greeter").version("1.0").node("e", "10.9.9.9:1").build());
            await().atMost(BOUND).until(() -> preserving.getService("greeter").get(0).nodes().stream()
                    .anyMatch(n -> n.address().equals("10.9.9.9:1")));
            assertThat(nodeIds(preserving.getService("greeter"))).containsExactly("a", "b", "c", "d", "e", "f");
            assertThat(preserving.status("greeter").state()).isEqualTo(CacheStatus.State.DEGRADED);

            await().atMost(hold.plus(BOUND)).until(() -> nodeIds(preserving.getService("greeter")).size() == 5);
            assertThat(Duration.ofNanos(System.nanoTime() - lost)).as("dropped when the hold ended").isGreaterThanOrEqualTo(hold);
            assertThat(nodeIds(preserving.getService("greeter"))).containsExactly("a", "b", "c", "d", "e");
            assertThat(preserving.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);
            assertThat(preserving.getService("other")).isEmpty();
            assertThat(preserving.status("other").state()).isEqualTo(CacheStatus.State.CURRENT);
        }
    }

    @Test
    void anIndividualDeathIsNotHeld() {
        try (CachingRegistry preserving = CachingRegistry.view(backend, CacheOptions.builder().preservation(Duration.ofMinutes(1)).build())) {
            publisher.register(greeter("1.0", "a", "b", "c"));
            MemoryRegistry doomed = store.client();
            doomed.register(Service.builder("payments").node("p1", "h:1").build(), RegisterOptions.ttl(Duration.ofSeconds(1)));
            doomed.register(greeter("1.0", "z"), RegisterOptions.ttl(Duration.ofSeconds(1)));
            await().atMost(BOUND).until(() -> size(preserving.getService("greeter")) == 4);
            assertThat(size(preserving.getService("payments"))).isEqualTo(1);

            long died = System.nanoTime();
            doomed.halt();
            await().atMost(BOUND).until(() -> preserving.getService("payments").isEmpty()
                    && size(preserving.getService("greeter")) == 3);
            assertThat(Duration.ofNanos(System.nanoTime() - died)).as("within TTL and the window, not the hold")
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(preserving.status("payments").state()).isEqualTo(CacheStatus.State.CURRENT);
            assertThat(preserving.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);
            doomed.close();
        }
    }

    @Test
    void churnIsNotAMassRemoval() {
        try (CachingRegistry preserving = CachingRegistry.view(backend, CacheOptions.builder().preservation(Duration.ofMinutes(1)).build())) {
            publisher.register(greeter("1.0", "a", "b", "c", "d"));
            assertThat(size(preserving.getService("greeter"))).isEqualTo(4);
            // A rolling replacement: each old node leaves as a new one arrives.
            String[] old = {"a", "b", "c", "d"};
            for (int i = 0; i < old.length; i++) {
                publisher.register(greeter("1.0", "new" + i));
                publisher.deregister(greeter("1.0", old[i]));
            }
            await().atMost(BOUND).untilAsserted(() ->
                    assertThat(nodeIds(preserving.getService("greeter"))).containsExactly("new0", "new1", "new2", "new3"));
            assertThat(preserving.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);
        }
    }

    @Test
    void withoutSelfPreservationAMassRemovalEmptiesTheViewAtOnce() {
        try (CachingRegistry plain = CachingRegistry.view(backend, CacheOptions.builder().noPreservation().build())) {
            publisher.register(greeter("1.0", "a", "b", "c"));
            assertThat(size(plain.getService("greeter"))).isEqualTo(3);
            publisher.deregister(greeter("1.0", "a", "b", "c"));
            await().atMost(BOUND).until(() -> plain.getService("greeter").isEmpty());
            assertThat(plain.status("greeter").state()).isEqualTo(CacheStatus.State.CURRENT);
        }
    }


    /** Threads that follow a backend watch (the hub's pumps); the cache has none of its own. */
    static long watchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> (t.getName().startsWith("micro-registry-watch") || t.getName().startsWith("micro-registry-cache"))
                        && t.isAlive())
                .count();
    }
}

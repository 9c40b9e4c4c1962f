package io.microregistry.selector;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.cache.SwitchableRegistry;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SelectorTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private MemoryStore store;
    private MemoryRegistry publisher;
    private MemoryRegistry client;
    private final List<Selector> selectors = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new MemoryStore();
        publisher = store.client();
        client = store.client();
    }

    @AfterEach
    void tearDown() {
        selectors.forEach(Selector::close);
        client.close();
        publisher.close();
        store.close();
    }

    private Selector selector(Strategy strategy) {
        return selector(strategy, Ejection.DEFAULT);
    }

    private Selector selector(Strategy strategy, Ejection ejection) {
        Selector selector = Selector.of(client, strategy, ejection);
        selectors.add(selector);
        return selector;
    }

    private void register(String version, String... ids) {
        Service.Builder builder = Service.builder("greeter").version(version);
        for (String id : ids) {
            builder.node(id, id + ":8080");
        }
        publisher.register(builder.build());
    }

    private void registerNode(String version, Node node) {
        publisher.register(Service.builder("greeter").version(version).node(node).build());
    }

    private static Map<String, Integer> histogram(Selector selector, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(selector.select("greeter").id(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinVisitsEveryNodeInTurnAndKeepsItsPositionAcrossCallsAndChanges() {
        register("1.0", "a", "b", "c");
        Selector selector = selector(Strategy.roundRobin());
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(selector.select("greeter").id());
        }
        assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");

        selector.select("greeter"); // a: the position is 7 now
        register("1.0", "d");
        await().atMost(BOUND).until(() -> client.getService("greeter").get(0).nodes().size() == 4);
        Selector same = selector;
        await().atMost(BOUND).untilAsserted(() -> assertThat(Set.of("a", "b", "c", "d"))
                .contains(same.select("greeter").id()));
        // With four nodes the next picks still cycle over all of them without repeating.
        Set<String> round = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            round.add(selector.select("greeter").id());
        }
        assertThat(round).containsExactlyInAnyOrder("a", "b", "c", "d");
    }

    @Test
    void roundRobinPositionIsPerService() {
        register("1.0", "a", "b");
        publisher.register(Service.builder("other").node("x", "x:1").node("y", "y:1").build());
        Selector selector = selector(Strategy.roundRobin());
        assertThat(selector.select("greeter").id()).isEqualTo("a");
        assertThat(selector.select("other").id()).isEqualTo("x");
        assertThat(selector.select("greeter").id()).isEqualTo("b");
        assertThat(selector.select("other").id()).isEqualTo("y");
    }

    @Test
    void randomSpreadsEvenly() {
        register("1.0", "a", "b", "c", "d");
        Map<String, Integer> counts = histogram(selector(Strategy.random()), 20_000);
        // 5,000 expected each, standard deviation about 61: ±600 is ten deviations.
        assertThat(counts).hasSize(4);
        counts.values().forEach(c -> assertThat(c).isBetween(4_400, 5_600));
    }

    @Test
    void weightedFollowsTheWeightMetadata() {
        registerNode("1.0", new Node("light", "l:1", Map.of("weight", "1")));
        registerNode("1.0", new Node("heavy", "h:1", Map.of("weight", "3")));
        registerNode("1.0", new Node("off", "o:1", Map.of("weight", "0")));
        registerNode("1.0", new Node("bad", "b:1", Map.of("weight", "lots")));
        // weights 1, 3, 0, 1 (unreadable -> 1): shares 0.2, 0.6, 0, 0.2 of 20,000.
        Map<String, Integer> counts = histogram(selector(Strategy.weighted()), 20_000);
        assertThat(counts).doesNotContainKey("off");
        assertThat(counts.get("heavy")).isBetween(11_400, 12_600);
        assertThat(counts.get("light")).isBetween(3_400, 4_600);
        assertThat(counts.get("bad")).isBetween(3_400, 4_600);
    }

    @Test
    void weightedHonoursManyDifferentWeightsAndFilters() {
        for (int i = 1; i <= 10; i++) {
            registerNode(i % 2 == 0 ? "even" : "odd", new Node("n" + i, "h:" + i, Map.of("weight", Integer.toString(i))));
        }
        Selector selector = selector(Strategy.weighted());
        Map<String, Integer> counts = histogram(selector, 55_000);
        // n_i expected 1,000 * i; the largest standard deviation is about 85.
        for (int i = 1; i <= 10; i++) {
            assertThat(counts.get("n" + i)).as("n%d", i).isBetween(1_000 * i - 500, 1_000 * i + 500);
        }
        Map<String, Integer> even = new HashMap<>();
        Filter evens = Filter.version("even");
        for (int i = 0; i < 30_000; i++) {
            even.merge(selector.select("greeter", evens).id(), 1, Integer::sum);
        }
        // weights 2, 4, 6, 8, 10 of 30: 1,000 per unit of weight.
        assertThat(even).containsOnlyKeys("n2", "n4", "n6", "n8", "n10");
        for (int i = 2; i <= 10; i += 2) {
            assertThat(even.get("n" + i)).as("n%d", i).isBetween(1_000 * i - 500, 1_000 * i + 500);
        }
    }

    @Test
    void weightedWithAllWeightsZeroStillPicks() {
        registerNode("1.0", new Node("a", "a:1", Map.of("weight", "0")));
        registerNode("1.0", new Node("b", "b:1", Map.of("weight", "0")));
        assertThat(histogram(selector(Strategy.weighted()), 1_000)).containsOnlyKeys("a", "b");
    }

    @Test
    void powerOfTwoChoicesPrefersTheNodeWithFewerCallsInFlight() {
        register("1.0", "a", "b");
        Selector selector = selector(Strategy.powerOfTwoChoices());
        Selection busy = selector.acquire("greeter");
        String other = busy.node().id().equals("a") ? "b" : "a";
        // With two nodes both are drawn every time, so the idle one always wins.
        for (int i = 0; i < 50; i++) {
            try (Selection next = selector.acquire("greeter")) {
                assertThat(next.node().id()).isEqualTo(other);
            }
        }
        busy.success();
        Selection one = selector.acquire("greeter");
        Selection two = selector.acquire("greeter");
        assertThat(Set.of(one.node().id(), two.node().id())).as("balanced once the busy call ended")
                .containsExactlyInAnyOrder("a", "b");
        one.close();
        two.close();
    }

    @Test
    void powerOfTwoChoicesSpreadsLoadAcrossManyNodes() {
        register("1.0", "a", "b", "c", "d", "e", "f", "g", "h");
        Selector selector = selector(Strategy.powerOfTwoChoices());
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            held.add(selector.acquire("greeter"));
        }
        Map<String, Integer> load = new HashMap<>();
        held.forEach(s -> load.merge(s.node().id(), 1, Integer::sum));
        // Random would put ~10 ± 3 on each; two choices keeps every node close to 10.
        assertThat(load).hasSize(8);
        load.values().forEach(c -> assertThat(c).isBetween(6, 14));
        held.forEach(Selection::close);
    }

    @Test
    void filtersNarrowByVersionMetadataAndEndpointAndCompose() {
        publisher.register(Service.builder("greeter").version("1.0").endpoint(Endpoint.of("Greeter.Hello"))
                .node(new Node("v1-eu", "a:1", Map.of("zone", "eu")))
                .node(new Node("v1-us", "b:1", Map.of("zone", "us"))).build());
        publisher.register(Service.builder("greeter").version("2.0").endpoint(Endpoint.of("Greeter.Bye"))
                .node(new Node("v2-eu", "c:1", Map.of("zone", "eu"))).build());
        Selector selector = selector(Strategy.roundRobin());

        assertThat(picks(selector, Filter.version("1.0"))).containsExactlyInAnyOrder("v1-eu", "v1-us");
        assertThat(picks(selector, Filter.metadata("zone", "eu"))).containsExactlyInAnyOrder("v1-eu", "v2-eu");
        assertThat(picks(selector, Filter.endpoint("Greeter.Bye"))).containsExactly("v2-eu");
        assertThat(picks(selector, Filter.version("1.0").and(Filter.metadata("zone", "eu")))).containsExactly("v1-eu");
        assertThat(picks(selector, (service, node) -> node.address().startsWith("b"))).containsExactly("v1-us");
        assertThat(Filter.version("1.0")).isEqualTo(Filter.version("1.0"));
    }

    private static Set<String> picks(Selector selector, Filter filter) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            ids.add(selector.select("greeter", filter).id());
            try (Selection s = selector.acquire("greeter", filter)) {
                ids.add(s.node().id());
            }
        }
        return ids;
    }

    @Test
    void filtersFollowTheServiceAsItChanges() {
        register("1.0", "a");
        Selector selector = selector(Strategy.roundRobin());
        Filter v2 = Filter.version("2.0");
        assertThatThrownBy(() -> selector.select("greeter", v2)).isInstanceOf(NoEligibleNodeException.class);
        register("2.0", "b");
        await().atMost(BOUND).untilAsserted(() -> assertThat(selector.select("greeter", v2).id()).isEqualTo("b"));
    }

    @Test
    void unknownServiceAndEmptiedServiceAreNoSuchService() {
        Selector selector = selector(Strategy.random());
        assertThatThrownBy(() -> selector.select("nobody"))
                .isInstanceOf(NoSuchServiceException.class)
                .hasMessage("no node of service 'nobody' is registered")
                .satisfies(e -> assertThat(((NoSuchServiceException) e).service()).isEqualTo("nobody"));
        assertThatThrownBy(() -> selector.select("nobody", Filter.version("1"))).isInstanceOf(NoSuchServiceException.class);

        register("1.0", "a");
        await().atMost(BOUND).untilAsserted(() -> assertThat(selector.select("greeter").id()).isEqualTo("a"));
        publisher.deregister(Service.builder("greeter").version("1.0").node("a", "a:8080").build());
        await().atMost(BOUND).untilAsserted(() ->
                assertThatThrownBy(() -> selector.select("greeter")).isInstanceOf(NoSuchServiceException.class));
    }

    @Test
    void everyNodeFilteredOutIsNoEligibleNodeSayingSo() {
        register("1.0", "a", "b");
        Selector selector = selector(Strategy.random());
        assertThatThrownBy(() -> selector.select("greeter", Filter.version("9.9")))
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessage("no eligible node of service 'greeter': 2 nodes, 2 filtered out")
                .satisfies(e -> {
                    NoEligibleNodeException none = (NoEligibleNodeException) e;
                    assertThat(none.nodes()).isEqualTo(2);
                    assertThat(none.filteredOut()).isEqualTo(2);
                    assertThat(none.ejected()).isZero();
                });
    }

    @Test
    void aFailingNodeIsEjectedForABackoffPeriodThenTriedAgain() {
        register("1.0", "good", "bad");
        Selector selector = selector(Strategy.roundRobin(),
                new Ejection(2, Duration.ofSeconds(2), Duration.ofSeconds(2)));
        failTwice(selector, "bad");
        // Ejected: only "good" for now (the period is at least 1 s), whatever the strategy's position.
        for (int i = 0; i < 10; i++) {
            assertThat(selector.select("greeter").id()).isEqualTo("good");
        }
        // Back after the period (1..2 s).
        await().atMost(BOUND).until(() -> selector.select("greeter").id().equals("bad"));
    }

    @Test
    void oneFailureBetweenSuccessesDoesNotEject() {
        register("1.0", "a");
        Selector selector = selector(Strategy.roundRobin(), new Ejection(2, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        for (int i = 0; i < 5; i++) {
            selector.acquire("greeter").failure();
            selector.acquire("greeter").success();
        }
        assertThat(selector.select("greeter").id()).isEqualTo("a");
    }

    @Test
    void everyNodeEjectedIsNoEligibleNodeAndResetForgetsIt() {
        register("1.0", "a", "b");
        Selector selector = selector(Strategy.random(), new Ejection(1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        Set<String> failed = new HashSet<>();
        while (failed.size() < 2) {
            Selection s = selector.acquire("greeter");
            failed.add(s.node().id());
            s.failure();
        }
        assertThatThrownBy(() -> selector.select("greeter"))
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessage("no eligible node of service 'greeter': 2 nodes, 2 ejected after failures");
        assertThatThrownBy(() -> selector.select("greeter", Filter.version("1.0")))
                .isInstanceOf(NoEligibleNodeException.class)
                .satisfies(e -> assertThat(((NoEligibleNodeException) e).ejected()).isEqualTo(2));

        selector.reset("greeter");
        assertThat(histogram(selector, 200)).containsOnlyKeys("a", "b");
        selector.reset("never-seen");
    }

    @Test
    void ejectionNeverKeepsEveryNode() {
        register("1.0", "a");
        Selector selector = selector(Strategy.random(), Ejection.never());
        for (int i = 0; i < 20; i++) {
            selector.acquire("greeter").failure();
        }
        assertThat(selector.select("greeter").id()).isEqualTo("a");
    }

    @Test
    void anEjectionThatRacesTheNodeLeavingIsNotCountedForever() {
        register("1.0", "a", "b");
        CachingRegistry cache = CachingRegistry.view(client);
        SnapshotSelector selector = new SnapshotSelector(cache, true, Strategy.random(),
                new Ejection(1, Duration.ofMinutes(1), Duration.ofMinutes(1)));
        selectors.add(selector);
        ServiceBalance balance = new ServiceBalance("greeter", cache.cached("greeter"));
        NodeView view = balance.view();
        NodeHealth leaving = view.health[view.nodes[0].id().equals("b") ? 0 : 1];
        assertThat(leaving.nodeId).isEqualTo("b");

        // failed() has checked that "b" is still in the service; then the view is rebuilt without it...
        publisher.deregister(Service.builder("greeter").version("1.0").node("b", "b:8080").build());
        await().atMost(BOUND).until(() -> balance.view().nodes.length == 1);
        assertThat(leaving.retired).isTrue();
        // ...and only then does the ejection land.
        selector.eject(balance, leaving, 1);

        assertThat(balance.ejected.get()).as("ejected nodes counted").isZero();
        assertThat(leaving.ejectedUntil.get()).isEqualTo(NodeHealth.NOT_EJECTED);
    }

    @Test
    void unknownNamesLeaveNoCacheThreadBehindAndAreFoundOnceRegistered() {
        await().atMost(BOUND).until(() -> cacheThreads() == 0);
        Selector selector = selector(Strategy.random());
        for (int i = 0; i < 300; i++) {
            String name = "typo-" + i;
            assertThatThrownBy(() -> selector.select(name)).isInstanceOf(NoSuchServiceException.class);
        }
        long following = cacheThreads();
        assertThat(following).as("watch threads after 300 unknown names: the cache's one subscription").isLessThanOrEqualTo(1);

        publisher.register(Service.builder("typo-7").node("n1", "n1:8080").build());
        // Found through the cache's one subscription to every service, without a thread of its own.
        await().atMost(BOUND).ignoreException(NoSuchServiceException.class)
                .untilAsserted(() -> assertThat(selector.select("typo-7").id()).isEqualTo("n1"));
        assertThat(cacheThreads()).isEqualTo(following);
    }

    private static long cacheThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> (t.getName().startsWith("micro-registry-cache") || t.getName().startsWith("micro-registry-watch"))
                        && t.isAlive())
                .count();
    }

    private static void failTwice(Selector selector, String nodeId) {
        int failures = 0;
        while (failures < 2) {
            Selection s = selector.acquire("greeter");
            if (s.node().id().equals(nodeId)) {
                s.failure();
                failures++;
            } else {
                s.success();
            }
        }
    }

    @Test
    void selectingFromSeveralThreadsWhileTheServiceChangesOnlyEverReturnsLiveOrRecentNodes() throws Exception {
        register("1.0", "anchor");
        // The whole registry (one service) replaced 200 times within half a second is what the
        // cache's self-preservation holds for a TTL (see CachingRegistry); this test is about
        // selection under churn, so its cache applies removals as they come.
        io.microregistry.cache.CachingRegistry plain = io.microregistry.cache.CachingRegistry.view(client,
                io.microregistry.cache.CacheOptions.builder().noPreservation().build());
        Selector selector = Selector.of(plain, Strategy.powerOfTwoChoices(), new Ejection(1, Duration.ofMillis(5), Duration.ofMillis(10)));
        selectors.add(selector);
        Set<String> everRegistered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        everRegistered.add("anchor");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> pickers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread picker = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    try (Selection s = selector.acquire("greeter")) {
                        if (!everRegistered.contains(s.node().id())) {
                            failures.add(new AssertionError("picked unknown node " + s.node().id()));
                        }
                        if (i++ % 7 == 0) {
                            s.failure();
                        } else {
                            s.success();
                        }
                    } catch (NoEligibleNodeException allEjected) {
                        // Possible for a moment: every node just failed once.
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            pickers.add(picker);
            picker.start();
        }
        for (int i = 0; i < 200; i++) {
            everRegistered.add("n" + i);
            register("1.0", "n" + i);
            if (i >= 5) {
                publisher.deregister(Service.builder("greeter").version("1.0").node("n" + (i - 5), "x:1").build());
            }
        }
        stop.set(true);
        for (Thread picker : pickers) {
            picker.join(10_000);
        }
        assertThat(failures).isEmpty();
        // Nodes ejected by the last failures come back within 10 ms.
        await().atMost(BOUND).ignoreException(NoEligibleNodeException.class).untilAsserted(() ->
                assertThat(histogram(selector, 200).keySet()).isSubsetOf(Set.of("anchor", "n195", "n196", "n197", "n198", "n199")));
    }

    @Test
    void aSelectionCompletesExactlyOnce() {
        register("1.0", "a");
        Selector selector = selector(Strategy.powerOfTwoChoices());
        Selection selection = selector.acquire("greeter");
        assertThat(selection.service()).isEqualTo("greeter");
        assertThat(selection.node().id()).isEqualTo("a");
        assertThat(selection.isCompleted()).isFalse();
        selection.success();
        assertThat(selection.isCompleted()).isTrue();
        assertThatThrownBy(selection::success).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already completed");
        assertThatThrownBy(selection::failure).isInstanceOf(IllegalStateException.class);
        selection.close(); // no-op, never throws
    }

    @Test
    void inFlightCountsReturnToZeroWhenSelectionsComplete() {
        register("1.0", "a", "b");
        SnapshotSelector selector = (SnapshotSelector) selector(Strategy.powerOfTwoChoices());
        List<Selection> held = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            held.add(selector.acquire("greeter"));
        }
        held.get(0).success();
        held.get(1).failure();
        held.forEach(Selection::close);
        held.forEach(Selection::close);
        // Both idle again: with two nodes, p2c then alternates strictly as each one is held in turn.
        Selection first = selector.acquire("greeter");
        Selection second = selector.acquire("greeter");
        assertThat(first.node().id()).isNotEqualTo(second.node().id());
        first.close();
        second.close();
    }

    @Test
    void selectOnACachedServiceAllocatesNothing() {
        register("1.0", "a", "b", "c", "d");
        Filter v1 = Filter.version("1.0");
        for (Strategy strategy : List.of(Strategy.random(), Strategy.roundRobin(), Strategy.weighted(),
                Strategy.powerOfTwoChoices())) {
            Selector selector = selector(strategy);
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
            assertThat(allocated).as("bytes allocated by 200,000 selections with %s", strategy).isLessThan(1024);
        }
    }

    @Test
    void aServiceThatCannotBeLoadedIsBackendTroubleNotNoNodes() {
        register("1.0", "a");
        SwitchableRegistry backend = new SwitchableRegistry(client);
        Selector selector = selector(Strategy.random());
        Selector overOutage = Selector.of(backend, Strategy.random());
        selectors.add(overOutage);
        backend.fail(false);
        assertThatThrownBy(() -> overOutage.select("greeter")).isInstanceOf(RegistryUnavailableException.class);
        backend.recover();
        assertThat(overOutage.select("greeter").id()).isEqualTo("a");
        assertThat(selector.select("greeter").id()).isEqualTo("a");
    }

    @Test
    void aSelectorKeepsServingThroughAnOutage() {
        register("1.0", "a", "b");
        SwitchableRegistry backend = new SwitchableRegistry(client);
        Selector selector = Selector.of(backend, Strategy.roundRobin());
        selectors.add(selector);
        assertThat(histogram(selector, 4)).containsOnlyKeys("a", "b");
        backend.fail(true);
        assertThat(histogram(selector, 4)).containsOnlyKeys("a", "b");
        backend.recover();
    }

    @Test
    void closingTheSelectorClosesItsOwnCacheButNotTheRegistry() {
        register("1.0", "a");
        Selector selector = Selector.of(client, Strategy.random());
        assertThat(selector.select("greeter").id()).isEqualTo("a");
        Selection open = selector.acquire("greeter");
        selector.close();
        selector.close();
        open.success(); // still completable
        assertThatThrownBy(() -> selector.select("greeter")).isInstanceOf(IllegalStateException.class);
        assertThat(client.getService("greeter")).hasSize(1);

        try (CachingRegistry shared = CachingRegistry.view(client)) {
            Selector borrowing = Selector.of(shared, Strategy.random());
            assertThat(borrowing.select("greeter").id()).isEqualTo("a");
            borrowing.close();
            assertThat(shared.getService("greeter")).hasSize(1);
        }
    }

    @Test
    void rejectsBadArguments() {
        Selector selector = selector(Strategy.random());
        assertThatThrownBy(() -> selector.select(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> selector.select("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> selector.select("greeter", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("filter");
        assertThatThrownBy(() -> Selector.of(null, Strategy.random())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry");
        assertThatThrownBy(() -> Selector.of(client, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strategy");
        assertThatThrownBy(() -> Filter.version(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new Ejection(-1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failures");
    }

    @Test
    void strategiesHaveNames() {
        assertThat(Strategy.named("round-robin")).isSameAs(Strategy.roundRobin());
        assertThat(Strategy.named("P2C")).isSameAs(Strategy.powerOfTwoChoices());
        assertThat(Strategy.named("weighted")).hasToString("weighted");
        assertThat(Strategy.named("random")).isSameAs(Strategy.random());
        assertThatThrownBy(() -> Strategy.named("fastest")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strategy");
    }
}

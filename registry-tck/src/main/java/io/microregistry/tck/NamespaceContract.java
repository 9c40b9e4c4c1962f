package io.microregistry.tck;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Namespaces ({@link Capability#NAMESPACES}, {@link RegistryFixture#newClient(String)}): clients
 * of different namespaces on one server never see each other's nodes, through any operation,
 * and clients of one namespace see each other as clients of the default root do.
 *
 * <p>Every contract runs over one family of namespaces at once, generated under a root of the
 * test's own: that root itself, {@code a}, {@code b}, {@code a/b} (nested inside {@code a}),
 * {@code ab}, {@code a-b}, {@code a.b}, and the fixture's default root ({@link
 * RegistryFixture#newClient()}). Each registers the same service name with the same node id
 * (with its own address and metadata), and each but the default root also a service named
 * {@code b}: the segment by which {@code a/b} nests inside {@code a}, and {@code b} inside the
 * root. A backend that finds a namespace's records by key prefix, maps {@code /} to {@code -},
 * or ignores the namespace altogether shows one namespace's nodes to another here.
 */
public abstract class NamespaceContract extends Contract {

    /** The second service of every namespace but the default root: a segment nested namespaces live under. */
    private static final String SEGMENT = "b";

    protected NamespaceContract(RegistryFixture fixture) {
        super(fixture);
    }

    /** One namespace of a generated case: its index among the family, and its path (empty for the default root). */
    record World(int index, Optional<String> namespace) {
        String label() {
            return namespace.orElse("the default root");
        }

        /** The services this namespace registers: {@code service}, and {@link #SEGMENT} unless it is the default root. */
        List<String> services(String service) {
            return namespace.isPresent() ? List.of(service, SEGMENT) : List.of(service);
        }
    }

    /** The default root, then {@code root} and namespaces under it that look alike. */
    static List<World> worlds(String root) {
        List<String> paths = List.of(root, root + "/a", root + "/b", root + "/a/b", root + "/ab", root + "/a-b",
                root + "/a.b");
        List<World> worlds = new ArrayList<>();
        worlds.add(new World(0, Optional.empty()));
        for (int i = 0; i < paths.size(); i++) {
            worlds.add(new World(i + 1, Optional.of(paths.get(i))));
        }
        return worlds;
    }

    /** A fresh family, under a root no other test uses. */
    private static List<World> worlds() {
        return worlds("/" + uniqueName("ns"));
    }

    /** A new client of the world, closed after the test. */
    private Registry client(World world) {
        return world.namespace().map(this::client).orElseGet(this::client);
    }

    /**
     * The record {@code world} registers for {@code name} and {@code nodeId}: the same identity
     * in every world, its own address and metadata. The metadata key is the test's own service
     * name, so records of this test are told apart from anything else in the default root.
     */
    private static Service record(World world, String tag, String name, String nodeId) {
        return new Service(name, "1", Map.of("namespace", world.label()), List.of(),
                List.of(node(nodeId, "127.0.0.1:" + (4000 + world.index()), Map.of(tag, Integer.toString(world.index())))));
    }

    /** Whether {@code service} is one this test wrote (or a merge of such): named so, or carrying the test's tag. */
    private static boolean ofThisTest(Service service, String tag) {
        return service.name().equals(tag) || service.nodes().stream().anyMatch(n -> n.metadata().containsKey(tag));
    }

    /** Registers {@code nodeId} of every service of every world, each through a writer of its own world. */
    private Map<World, Registry> registerEverywhere(List<World> worlds, String tag, String nodeId, RegisterOptions options) {
        Map<World, Registry> writers = new LinkedHashMap<>();
        for (World world : worlds) {
            Registry writer = client(world);
            for (String name : world.services(tag)) {
                writer.register(record(world, tag, name, nodeId), options);
            }
            writers.put(world, writer);
        }
        return writers;
    }

    /** A fresh client of every world, to read with. */
    private Map<World, Registry> readers(List<World> worlds) {
        Map<World, Registry> readers = new LinkedHashMap<>();
        worlds.forEach(world -> readers.put(world, client(world)));
        return readers;
    }

    @Test
    void getServiceAndListServicesSeeOnlyTheirOwnNamespace() {
        require(Capability.NAMESPACES);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        registerEverywhere(worlds, tag, "n1", RegisterOptions.defaults());
        Map<World, Registry> readers = readers(worlds);

        await().untilAsserted(() -> {
            for (World world : worlds) {
                Registry reader = readers.get(world);
                for (String name : world.services(tag)) {
                    assertThat(reader.getService(name)).as("getService(\"%s\") in %s", name, world.label())
                            .containsExactly(record(world, tag, name, "n1"));
                }
                if (world.namespace().isEmpty()) {
                    assertThat(reader.getService(SEGMENT)).as("getService(\"%s\") in %s", SEGMENT, world.label())
                            .noneMatch(s -> ofThisTest(s, tag));
                }
                List<Service> expected = world.services(tag).stream().map(name -> record(world, tag, name, "n1")).toList();
                assertThat(reader.listServices().stream().filter(s -> ofThisTest(s, tag)).toList())
                        .as("listServices() in %s", world.label()).containsExactlyInAnyOrderElementsOf(expected);
            }
        });
    }

    @Test
    void watchingEverythingSeesOnlyItsOwnNamespace() throws InterruptedException {
        watchersSeeOnlyTheirOwnNamespace((world, tag) -> List.of(WatchOptions.all()));
    }

    @Test
    void watchingOneServiceSeesOnlyItsOwnNamespace() throws InterruptedException {
        watchersSeeOnlyTheirOwnNamespace((world, tag) -> world.services(tag).stream().map(WatchOptions::service).toList());
    }

    /**
     * Opens watchers in every world ({@code options} of the world and the test's service name),
     * then in every world registers, deregisters and registers a marker; each watcher must see
     * only its own world's records up to its own markers, which come after every other world's
     * changes.
     */
    private void watchersSeeOnlyTheirOwnNamespace(BiFunction<World, String, List<WatchOptions>> options)
            throws InterruptedException {
        require(Capability.NAMESPACES);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        Map<Watcher, World> watchers = new LinkedHashMap<>();
        Map<Watcher, Set<String>> watched = new LinkedHashMap<>();
        for (World world : worlds) {
            Registry reader = client(world);
            for (WatchOptions option : options.apply(world, tag)) {
                Watcher watcher = watch(reader, option);
                watchers.put(watcher, world);
                watched.put(watcher, new HashSet<>(option.service().map(List::of).orElse(world.services(tag))));
            }
        }

        Map<World, Registry> writers = registerEverywhere(worlds, tag, "n1", RegisterOptions.defaults());
        for (World world : worlds) {
            writers.get(world).deregister(record(world, tag, tag, "n1"));
        }
        for (World world : worlds) {
            for (String name : world.services(tag)) {
                writers.get(world).register(record(world, tag, name, "marker"));
            }
        }

        for (Map.Entry<Watcher, World> entry : watchers.entrySet()) {
            World world = entry.getValue();
            Set<String> pending = new HashSet<>(watched.get(entry.getKey()));
            List<Service> own = ownRecords(world, tag);
            while (!pending.isEmpty()) {
                WatchEvent event = nextEvent(entry.getKey(), e -> ofThisTest(e.service(), tag));
                assertThat(event.service()).as("an event of a watcher in %s, watching %s", world.label(),
                        watched.get(entry.getKey())).isIn(own);
                if (event.type() == WatchEvent.Type.CREATE && event.node().id().equals("marker")) {
                    pending.remove(event.service().name());
                }
            }
        }
    }

    /** Every record {@code world} writes in these contracts. */
    private static List<Service> ownRecords(World world, String tag) {
        List<Service> own = new ArrayList<>();
        for (String name : world.services(tag)) {
            own.add(record(world, tag, name, "n1"));
            own.add(record(world, tag, name, "marker"));
        }
        return own;
    }

    @Test
    void subscriptionsSeeOnlyTheirOwnNamespace() {
        require(Capability.NAMESPACES);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        Map<World, Registry> writers = registerEverywhere(worlds, tag, "n1", RegisterOptions.defaults());
        Map<World, Registry> readers = readers(worlds);
        await().untilAsserted(() -> {
            for (World world : worlds) {
                assertThat(present(readers.get(world), tag, "n1")).as("own node visible in %s", world.label()).isTrue();
            }
        });

        List<Subscription> subscriptions = new ArrayList<>();
        try {
            Map<Recorder, World> recorders = new LinkedHashMap<>();
            for (World world : worlds) {
                for (WatchOptions options : List.of(WatchOptions.all(), WatchOptions.service(tag))) {
                    Recorder recorder = new Recorder(options);
                    subscriptions.add(readers.get(world).subscribe(options, recorder));
                    recorders.put(recorder, world);
                }
            }
            for (World world : worlds) {
                for (String name : world.services(tag)) {
                    writers.get(world).register(record(world, tag, name, "marker"));
                }
            }
            for (Map.Entry<Recorder, World> entry : recorders.entrySet()) {
                Recorder recorder = entry.getKey();
                World world = entry.getValue();
                List<Service> own = ownRecords(world, tag);
                await().untilAsserted(() -> assertThat(recorder.events.stream()
                        .filter(e -> e.type() == WatchEvent.Type.CREATE && e.node().id().equals("marker"))
                        .map(e -> e.service().name()).toList())
                        .as("markers seen by a subscription to %s in %s", recorder.options, world.label())
                        .containsAll(recorder.options.service().map(List::of).orElse(world.services(tag))));
                assertThat(recorder.snapshot.stream().filter(s -> ofThisTest(s, tag)).toList())
                        .as("the snapshot of a subscription to %s in %s", recorder.options, world.label())
                        .containsExactlyInAnyOrderElementsOf(own.stream()
                                .filter(s -> s.nodes().get(0).id().equals("n1") && recorder.options.matches(s.name()))
                                .toList());
                assertThat(recorder.events.stream().map(WatchEvent::service).filter(s -> ofThisTest(s, tag)).toList())
                        .as("events of a subscription to %s in %s", recorder.options, world.label())
                        .allSatisfy(s -> assertThat(s).isIn(own));
            }
        } finally {
            subscriptions.forEach(Subscription::close);
        }
    }

    /** What one subscription delivered. */
    private static final class Recorder implements WatchListener {
        final WatchOptions options;
        final List<Service> snapshot = new CopyOnWriteArrayList<>();
        final List<WatchEvent> events = new CopyOnWriteArrayList<>();

        Recorder(WatchOptions options) {
            this.options = options;
        }

        @Override
        public void onSnapshot(List<Service> current) {
            snapshot.addAll(current);
        }

        @Override
        public void onEvent(WatchEvent event) {
            events.add(event);
        }
    }

    @Test
    void deregisteringInOneNamespaceKeepsTheOthers() {
        require(Capability.NAMESPACES);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        Map<World, Registry> writers = registerEverywhere(worlds, tag, "n1", RegisterOptions.defaults());
        Map<World, Registry> readers = readers(worlds);
        awaitOwnRecords(worlds, readers, tag);

        // One world after another: each deregister takes that world's node and no other's.
        for (int k = 0; k < worlds.size(); k++) {
            World gone = worlds.get(k);
            writers.get(gone).deregister(record(gone, tag, tag, "n1"));
            await().untilAsserted(() -> assertThat(readers.get(gone).getService(tag))
                    .as("getService after deregister in %s", gone.label()).isEmpty());
            for (World other : worlds.subList(k + 1, worlds.size())) {
                assertThat(readers.get(other).getService(tag))
                        .as("getService in %s after a deregister of the same name and node id in %s", other.label(),
                                gone.label())
                        .containsExactly(record(other, tag, tag, "n1"));
            }
        }
    }

    @Test
    void expiryInOneNamespaceKeepsTheOthers() {
        require(Capability.NAMESPACES);
        require(Capability.ABANDON_CLIENT);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        Map<World, Registry> writers = registerEverywhere(worlds, tag, "n1", RegisterOptions.ttl(fixture().shortTtl()));
        Map<World, Registry> readers = readers(worlds);
        awaitOwnRecords(worlds, readers, tag);

        // Every other world's writer dies; each has a lookalike beside it that lives on (the
        // default root and the test's root, a and ab, a/b and b, a-b and a.b).
        List<World> abandoned = worlds.stream().filter(w -> w.index() % 2 == 0).toList();
        List<World> alive = worlds.stream().filter(w -> w.index() % 2 == 1).toList();
        abandoned.forEach(world -> fixture().abandon(writers.get(world)));

        await(fixture().shortTtl().plus(fixture().propagationBound())).untilAsserted(() -> {
            for (World world : abandoned) {
                assertThat(readers.get(world).getService(tag)).as("getService in %s after its writer died", world.label())
                        .isEmpty();
            }
        });
        for (World world : alive) {
            assertThat(readers.get(world).getService(tag))
                    .as("getService in %s after writers of the same name and node id died in %s", world.label(),
                            abandoned.stream().map(World::label).toList())
                    .containsExactly(record(world, tag, tag, "n1"));
        }
    }

    @Test
    void clientsOfOneNamespaceSeeEachOther() throws InterruptedException {
        require(Capability.NAMESPACES);
        String tag = uniqueName("ns");
        List<World> worlds = worlds();
        Map<World, Registry> readers = new LinkedHashMap<>();
        Map<World, Watcher> watchers = new LinkedHashMap<>();
        Map<World, Recorder> recorders = new LinkedHashMap<>();
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            for (World world : worlds) {
                Registry reader = client(world);
                readers.put(world, reader);
                watchers.put(world, watch(reader, WatchOptions.service(tag)));
                Recorder recorder = new Recorder(WatchOptions.all());
                subscriptions.add(reader.subscribe(WatchOptions.all(), recorder));
                recorders.put(world, recorder);
            }
            // Node ids of their own: this contract holds a fixture to clients of one namespace
            // meeting, not to namespaces staying apart (the others do that).
            for (World world : worlds) {
                client(world).register(record(world, tag, tag, "n" + world.index()));
            }
            for (World world : worlds) {
                Service own = record(world, tag, tag, "n" + world.index());
                assertThat(nextEvent(watchers.get(world), e -> e.service().equals(own)))
                        .as("watch(service) of another client in %s", world.label()).isEqualTo(WatchEvent.create(own));
                await().untilAsserted(() -> {
                    assertThat(present(readers.get(world), tag, own.nodes().get(0).id()))
                            .as("getService by another client in %s", world.label()).isTrue();
                    assertThat(readers.get(world).listServices().stream().flatMap(s -> s.nodes().stream()).toList())
                            .as("listServices by another client in %s", world.label()).contains(own.nodes().get(0));
                    assertThat(recorders.get(world).events).as("a subscription of another client in %s", world.label())
                            .contains(WatchEvent.create(own));
                });
            }
        } finally {
            subscriptions.forEach(Subscription::close);
        }
    }

    /** Waits until every world's reader sees exactly its own world's node {@code n1} of the test's service. */
    private void awaitOwnRecords(List<World> worlds, Map<World, Registry> readers, String tag) {
        await().untilAsserted(() -> {
            for (World world : worlds) {
                assertThat(readers.get(world).getService(tag)).as("getService in %s", world.label())
                        .containsExactly(record(world, tag, tag, "n1"));
            }
        });
    }
}

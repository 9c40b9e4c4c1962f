package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.metrics.RegistryObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The core's own rules, over a store that does exactly what it is told and fails where the
 * test says: what the backends' TCK runs cannot force (a failure in the third batch, a delete
 * that fails for one node of five). The backends are proven against real servers by the TCK.
 */
@Timeout(30)
class StoreRegistryTest {

    private final ScriptedStore store = new ScriptedStore();
    private final StoreRegistry registry = new StoreRegistry(store);

    @Test
    void aFailedBatchTakesBackTheBatchesBeforeItAndRestoresReplacedNodes() {
        registry.register(service("1.0", "a"), RegisterOptions.defaults());
        store.failPutOf = "d";

        assertThatThrownBy(() -> registry.register(service("2.0", "a", "b", "c", "d", "e"), RegisterOptions.defaults()))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("refused d")
                .hasMessageContaining("taken back");

        assertThat(store.data.keySet()).containsExactly("svc/a");
        assertThat(store.data.get("svc/a").version()).as("the replaced node is as it was").isEqualTo("1.0");
        assertThat(store.keptBy(Duration.ofSeconds(15))).containsExactly("svc/a");
    }

    @Test
    void aNodeThatCannotBeTakenBackIsNamedAndStaysKept() {
        store.failPutOf = "c";
        store.failRemoveOf = "a";

        assertThatThrownBy(() -> registry.register(service("1.0", "a", "b", "c"), RegisterOptions.defaults()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("could not be taken back and stay registered: a");

        assertThat(store.data.keySet()).containsExactly("svc/a");
        assertThat(store.keptBy(Duration.ofSeconds(15))).containsExactly("svc/a");
        store.failRemoveOf = null;
        registry.deregister(service("1.0", "a"));
        assertThat(store.data).isEmpty();
        assertThat(store.openGroups()).as("an emptied group is closed").isEmpty();
    }

    @Test
    void anotherTtlMovesTheNodeToThatClassAndClosesTheEmptiedGroup() {
        registry.register(service("1.0", "a"), RegisterOptions.defaults());
        registry.register(service("1.0", "a"), RegisterOptions.builder().ttl(Duration.ofMillis(4500)).build());

        assertThat(store.keptBy(Duration.ofSeconds(5))).containsExactly("svc/a");
        assertThat(store.openGroups()).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void aFailedMoveLeavesTheNodeInItsOldGroup() {
        registry.register(service("1.0", "a"), RegisterOptions.defaults());
        store.failPutOf = "a";

        assertThatThrownBy(() -> registry.register(service("2.0", "a"),
                RegisterOptions.builder().ttl(Duration.ofSeconds(5)).build())).isInstanceOf(RegistryException.class);

        assertThat(store.keptBy(Duration.ofSeconds(15))).containsExactly("svc/a");
        assertThat(store.data.get("svc/a").version()).isEqualTo("1.0");
        assertThat(store.openGroups()).containsExactly(Duration.ofSeconds(15));
    }

    @Test
    void aMovedNodeThatCannotBeMovedBackStaysKeptByItsNewGroup() {
        registry.register(service("1.0", "a"), RegisterOptions.defaults());
        store.failPutOf = "b";
        store.failLaterPutsOf = "a";

        assertThatThrownBy(() -> registry.register(service("2.0", "a", "b"),
                RegisterOptions.builder().ttl(Duration.ofSeconds(5)).build()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("could not be taken back and stay registered: a");

        assertThat(store.data.get("svc/a").version()).isEqualTo("2.0");
        assertThat(store.keptBy(Duration.ofSeconds(5))).as("kept alive by the group that wrote it")
                .containsExactly("svc/a");
        assertThat(store.openGroups()).containsExactly(Duration.ofSeconds(5));
        registry.deregister(service("2.0", "a"));
        assertThat(store.data).isEmpty();
        assertThat(store.openGroups()).isEmpty();
    }

    @Test
    void deregisterRemovesWhatItCanAndNamesTheRest() {
        registry.register(service("1.0", "a", "b", "c"), RegisterOptions.defaults());
        store.failRemoveOf = "b";

        assertThatThrownBy(() -> registry.deregister(service("1.0", "a", "b", "c")))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("1 of 3 node(s) of svc could not be removed and stay registered: b");

        assertThat(store.data.keySet()).containsExactly("svc/b");
        assertThat(store.keptBy(Duration.ofSeconds(15))).as("still kept, so a retry can remove it").containsExactly("svc/b");
    }

    @Test
    void aNodeNotKeptByThisClientIsRemovedThroughTheStore() {
        store.data.put("svc/x", service("1.0", "x").withNode(Node.of("x", "h:1")));

        registry.deregister(service("1.0", "x"));

        assertThat(store.data).isEmpty();
    }

    @Test
    void validationComesBeforeTheStoreAndTheClosedState() {
        registry.close();

        assertThatThrownBy(() -> registry.register(new Service("", "1", Map.of(), List.of(),
                List.of(Node.of("a", "h:1"))), RegisterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> registry.register(service("1.0", "a"), RegisterOptions.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(store.calls).doesNotContain("put");
    }

    @Test
    void closeReleasesEveryGroupThenTheStoreAndAbandonReleasesNothing() {
        registry.register(service("1.0", "a"), RegisterOptions.defaults());
        registry.register(service("1.0", "b"), RegisterOptions.builder().ttl(Duration.ofSeconds(5)).build());
        Watcher watcher = registry.watch(WatchOptions.all());

        registry.close();
        registry.close();

        assertThat(store.data).as("released groups delete their nodes").isEmpty();
        assertThat(store.calls).containsSubsequence("release", "release", "close");
        assertThat(store.calls.stream().filter("close"::equals)).hasSize(1);
        assertThat(watcher.isStopped()).isTrue();

        ScriptedStore other = new ScriptedStore();
        StoreRegistry crashed = new StoreRegistry(other);
        crashed.register(service("1.0", "a"), RegisterOptions.defaults());
        crashed.abandon();
        crashed.close();
        assertThat(other.data.keySet()).as("a crash leaves nodes to their TTL").containsExactly("svc/a");
        assertThat(other.calls).contains("abandon").doesNotContain("release");
    }

    @Test
    void readsAreGroupedPerVersion() {
        registry.register(service("1.0", "b", "a"), RegisterOptions.defaults());
        registry.register(service("2.0", "c"), RegisterOptions.defaults());

        List<Service> versions = registry.getService("svc");

        assertThat(versions).extracting(Service::version).containsExactly("1.0", "2.0");
        assertThat(versions.get(0).nodes()).extracting(Node::id).containsExactly("a", "b");
        assertThat(registry.listServices()).hasSize(2);
    }

    private static Service service(String version, String... nodeIds) {
        List<Node> nodes = new ArrayList<>();
        for (String id : nodeIds) {
            nodes.add(Node.of(id, "127.0.0.1:" + (8000 + nodes.size())));
        }
        return new Service("svc", version, Map.of(), List.of(), nodes);
    }

    /** Records registrationKept / registrationReleased as "+svc/a" / "-svc/a". */
    private static final class KeptRecorder implements RegistryObserver {
        final List<String> events = new ArrayList<>();

        @Override
        public synchronized void registrationKept(String service, String nodeId) {
            events.add("+" + service + "/" + nodeId);
        }

        @Override
        public synchronized void registrationReleased(String service, String nodeId) {
            events.add("-" + service + "/" + nodeId);
        }
    }

    @Test
    void theObserverHearsEachNodeKeptOnceAndReleasedOnceThroughUndoMovesDeregisterAndClose() {
        KeptRecorder recorder = new KeptRecorder();
        ScriptedStore scripted = new ScriptedStore();
        StoreRegistry client = new StoreRegistry(scripted, recorder);
        assertThat(scripted.groupObserver).as("nothing opened yet").isNull();

        client.register(service("1.0", "a", "b"), RegisterOptions.defaults());
        assertThat(scripted.groupObserver).as("groups report liveness to the client's observer")
                .isSameAs(client.observer());
        scripted.failPutOf = "d";
        assertThatThrownBy(() -> client.register(service("1.0", "a", "c", "d"), RegisterOptions.defaults()))
                .isInstanceOf(RegistryException.class);
        scripted.failPutOf = null;
        client.register(service("2.0", "a"), RegisterOptions.ttl(Duration.ofSeconds(5)));   // moves: still kept
        assertThat(recorder.events).containsExactly("+svc/a", "+svc/b");

        scripted.failPutOf = "f";
        scripted.failRemoveOf = "e";
        assertThatThrownBy(() -> client.register(service("1.0", "e", "f"), RegisterOptions.defaults()))
                .hasMessageContaining("stay registered: e");
        scripted.failRemoveOf = null;
        client.deregister(service("1.0", "b"));
        assertThat(recorder.events).containsExactly("+svc/a", "+svc/b", "+svc/e", "-svc/b");

        client.close();
        assertThat(recorder.events).hasSize(6).contains("-svc/a", "-svc/e");
    }

    /** A store in a map: TTL classes in whole seconds, one batch per record, failures on demand. */
    private static final class ScriptedStore implements RegistryStore {
        final Map<String, Service> data = new LinkedHashMap<>();
        final Map<Duration, Group> groups = new LinkedHashMap<>();
        final List<String> calls = new ArrayList<>();
        String failPutOf;
        /** Puts of this node fail once it has been put once. */
        String failLaterPutsOf;
        final Set<String> putOnce = new HashSet<>();
        String failRemoveOf;

        Set<String> keptBy(Duration ttlClass) {
            Group group = groups.get(ttlClass);
            return group == null ? Set.of() : group.kept.keySet();
        }

        Set<Duration> openGroups() {
            Set<Duration> open = new HashSet<>();
            groups.forEach((ttl, group) -> {
                if (!group.closed) {
                    open.add(ttl);
                }
            });
            return open;
        }

        @Override
        public String describe() {
            return "scripted store";
        }

        @Override
        public Duration ttlClass(Duration ttl) {
            return Duration.ofSeconds((ttl.toMillis() + 999) / 1000);
        }

        /** The observer the core handed to the last group it opened. */
        RegistryObserver groupObserver;

        @Override
        public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
            groupObserver = observer;
            return openGroup(ttlClass);
        }

        @Override
        public LivenessGroup openGroup(Duration ttlClass) {
            Group group = new Group();
            groups.put(ttlClass, group);
            return group;
        }

        @Override
        public List<List<Service>> batches(List<Service> records) {
            return records.stream().map(List::of).toList();
        }

        @Override
        public List<Service> read(Optional<String> name) {
            return data.values().stream().filter(r -> name.isEmpty() || r.name().equals(name.get())).toList();
        }

        @Override
        public void remove(String serviceName, String nodeId, boolean includingOwn) {
            if (includingOwn) {
                data.remove(serviceName + "/" + nodeId);
            }
        }

        @Override
        public PrefixWatch watch(WatchOptions options, WatchSink sink) {
            return () -> { };
        }

        @Override
        public void close() {
            calls.add("close");
        }

        private final class Group implements LivenessGroup {
            final Map<String, Service> kept = new LinkedHashMap<>();
            boolean closed;

            @Override
            public void put(List<Service> records) {
                calls.add("put");
                for (Service record : records) {
                    String id = record.nodes().get(0).id();
                    if (id.equals(failPutOf) || (id.equals(failLaterPutsOf) && !putOnce.add(id))) {
                        throw new RegistryUnavailableException("scripted store refused " + id, null);
                    }
                }
                for (Service record : records) {
                    String key = record.name() + "/" + record.nodes().get(0).id();
                    data.put(key, record);
                    kept.put(key, record);
                }
            }

            @Override
            public void remove(String serviceName, String nodeId) {
                if (nodeId.equals(failRemoveOf)) {
                    throw new RegistryUnavailableException("scripted store could not delete " + nodeId, null);
                }
                data.remove(serviceName + "/" + nodeId);
                kept.remove(serviceName + "/" + nodeId);
            }

            @Override
            public Optional<Service> forget(String serviceName, String nodeId) {
                return Optional.ofNullable(kept.remove(serviceName + "/" + nodeId));
            }

            @Override
            public void remember(Service record) {
                kept.put(record.name() + "/" + record.nodes().get(0).id(), record);
            }

            @Override
            public boolean isEmpty() {
                return kept.isEmpty();
            }

            @Override
            public void close(boolean release) {
                calls.add(release ? "release" : "abandon");
                if (release) {
                    kept.keySet().forEach(data::remove);
                }
                kept.clear();
                closed = true;
            }
        }
    }
}

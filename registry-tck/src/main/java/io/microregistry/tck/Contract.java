package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.Watcher;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of every contract group: access to the fixture, clients that are closed after each
 * test, service names no other test uses, and waits bounded by the fixture.
 *
 * <p>Every contract runs under {@link ContractGuard}: skipped with the reason if the fixture
 * suppresses it, failed with a clear message if it overruns its {@link TimeBudget}.
 *
 * <p>Not thread-safe except where a method says so; one test runs at a time.
 */
@ExtendWith(ContractGuard.class)
public abstract class Contract {

    private final RegistryFixture fixture;
    private final List<Registry> clients = new CopyOnWriteArrayList<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    protected Contract(RegistryFixture fixture) {
        this.fixture = fixture;
    }

    protected final RegistryFixture fixture() {
        return fixture;
    }

    /** A new client, closed after the test. Thread-safe. */
    protected final Registry client() {
        Registry client = fixture.newClient();
        clients.add(client);
        return client;
    }

    /**
     * A new client of {@code namespace} ({@link RegistryFixture#newClient(String)}), closed after
     * the test. Thread-safe.
     */
    protected final Registry client(String namespace) {
        Registry client = fixture.newClient(namespace);
        clients.add(client);
        return client;
    }

    /** Opens a watcher that is stopped after the test. */
    protected final Watcher watch(Registry client, io.microregistry.WatchOptions options) {
        Watcher watcher = client.watch(options);
        watchers.add(watcher);
        return watcher;
    }

    @AfterEach
    final void closeClients() {
        watchers.forEach(Watcher::stop);
        watchers.clear();
        for (Registry client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                throw new AssertionError("close() must never throw, threw " + e, e);
            }
        }
        clients.clear();
    }

    /** Skips the test, with the reason, unless the fixture claims {@code capability}. */
    protected final void require(Capability capability) {
        assumeTrue(fixture.capabilities().contains(capability), capability.missingReason());
    }

    /** A service name no other test in this run uses, starting with {@code base}. */
    protected static String uniqueName(String base) {
        return "tck-" + base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A wait of at most the fixture's propagation bound, polling from the calling thread. */
    protected final ConditionFactory await() {
        return await(fixture.propagationBound());
    }

    /** A wait of at most {@code atMost}, polling from the calling thread. */
    protected static ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).pollInSameThread();
    }

    protected static Node node(String id, String address) {
        return Node.of(id, address);
    }

    protected static Node node(String id, String address, Map<String, String> metadata) {
        return new Node(id, address, metadata);
    }

    protected static Service service(String name, String version, Node... nodes) {
        return new Service(name, version, Map.of(), List.of(), List.of(nodes));
    }

    /** Node ids of every version of the named service, as {@code client} sees them now. */
    protected static List<String> nodeIds(Registry client, String name) {
        List<String> ids = new ArrayList<>();
        client.getService(name).forEach(s -> s.nodes().forEach(n -> ids.add(n.id())));
        return ids;
    }

    /** Whether {@code client} sees the node now. */
    protected static boolean present(Registry client, String name, String nodeId) {
        return nodeIds(client, name).contains(nodeId);
    }

    /**
     * The next event of the watcher that satisfies {@code wanted}, skipping others, within
     * the propagation bound; fails if none comes.
     */
    protected final WatchEvent nextEvent(Watcher watcher, Predicate<WatchEvent> wanted) throws InterruptedException {
        return nextEvent(watcher, wanted, fixture.propagationBound());
    }

    protected static WatchEvent nextEvent(Watcher watcher, Predicate<WatchEvent> wanted, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("an expected watch event did not arrive within %s", within).isPositive();
            Optional<WatchEvent> event = watcher.next(Duration.ofNanos(left));
            if (event.isPresent() && wanted.test(event.get())) {
                return event.get();
            }
        }
    }

    /** The next event about service {@code name}, within the propagation bound. */
    protected final WatchEvent nextEventOf(Watcher watcher, String name) throws InterruptedException {
        return nextEvent(watcher, e -> e.service().name().equals(name));
    }
}

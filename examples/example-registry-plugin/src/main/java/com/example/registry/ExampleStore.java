package com.example.registry;

import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RegistryStore;
import io.microregistry.backend.WatchSink;
import io.microregistry.metrics.RegistryObserver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The example plugin: one client's connection to an {@link ExampleServer}, as the
 * {@link RegistryStore} that {@link io.microregistry.backend.StoreRegistry} turns into a whole
 * registry. Everything a plugin must write is here and in {@link ExampleLease}: the layout
 * (in the server, see its {@code key}), reads, the watch, and the liveness primitive. The core
 * does validation, ownership, all-or-nothing registration, grouping per version, push
 * subscriptions and shutdown.
 *
 * <p>Thread-safe. Owns one daemon thread for keep-alives, named {@code example-client-...}.
 * The example server cannot fail, so nothing here translates errors; a real plugin wraps its
 * client library's exceptions in {@link io.microregistry.RegistryException} subclasses here.
 */
final class ExampleStore implements RegistryStore {

    private final ExampleServer server;
    private final Runnable afterClose;
    private final ScheduledExecutorService keepAlive =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads("example-client-keepalive"));
    private final Set<ExampleLease> leases = ConcurrentHashMap.newKeySet();

    ExampleStore(ExampleServer server, Runnable afterClose) {
        this.server = server;
        this.afterClose = afterClose;
    }

    @Override
    public String describe() {
        return "example server";
    }

    /** Leases count whole seconds; rounding up never lets a node vanish early. */
    @Override
    public Duration ttlClass(Duration ttl) {
        return Duration.ofSeconds(Math.max(1, (ttl.toMillis() + 999) / 1000));
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return openGroup(ttlClass, RegistryObserver.none());
    }

    /** What the core calls: the lease reports its losses and write-backs to the client's metrics. */
    @Override
    public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        ExampleLease lease = new ExampleLease(server, keepAlive, ttlClass, leases::remove, observer);
        leases.add(lease);
        return lease;
    }

    @Override
    public List<Service> read(Optional<String> name) {
        return server.read(name);
    }

    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        // The example has one key per node: nothing else to remove.
        if (includingOwn) {
            server.delete(serviceName, nodeId);
        }
    }

    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        // The server pushes every change in one order and never loses its connection, so there
        // is no status to report; the core filters by service and queues for pull-style watchers.
        return server.watch(sink::event)::run;
    }

    /** The server drops this client's leases, as after a partition longer than the TTL. For the TCK. */
    void loseLeases() {
        leases.forEach(ExampleLease::loseOnServer);
    }

    @Override
    public void close() {
        keepAlive.shutdownNow();
        afterClose.run();
    }
}

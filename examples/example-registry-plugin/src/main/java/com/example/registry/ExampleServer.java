package com.example.registry;

import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.KeySegment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The example's "server": a tiny key-value store with TTL leases, in the JVM, as many test
 * servers are (ZooKeeper's TestingServer, an embedded broker). A record lives under a lease and
 * vanishes when the lease is not kept alive within its TTL or is dropped; watchers are told
 * every change in order. Its expiry thread, named {@value #THREAD_PREFIX}..., lives as long as
 * the server, not as long as any client: that is why the TCK fixture lists the prefix in
 * {@code sharedThreadPrefixes()}.
 *
 * <p>Stands for the real server a plugin talks to; the plugin itself is {@link ExampleStore}
 * and {@link ExampleLease}. Thread-safe: one lock, so every watcher sees one order.
 */
public final class ExampleServer implements AutoCloseable {

    /** Name prefix of the server's own threads. */
    public static final String THREAD_PREFIX = "example-server-";

    private record Lease(long ttlNanos, long expiresAt) {
    }

    private record Entry(Service record, long lease) {
    }

    private final Object lock = new Object();
    private final Map<Long, Lease> leases = new HashMap<>();
    /** "name/nodeId" to entry, sorted so a service's records are adjacent. */
    private final TreeMap<String, Entry> records = new TreeMap<>();
    private final List<Consumer<WatchEvent>> watchers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService expiry =
            Executors.newSingleThreadScheduledExecutor(new DaemonThreads(THREAD_PREFIX + "expiry"));
    private long nextLease = 1;

    /** Starts a server. */
    public ExampleServer() {
        expiry.scheduleWithFixedDelay(this::expire, 50, 50, TimeUnit.MILLISECONDS);
    }

    /** A new client of this server, as {@code MICRO_REGISTRY=example} would open it. */
    public io.microregistry.Registry connect() {
        return new io.microregistry.backend.StoreRegistry(new ExampleStore(this, () -> { }));
    }

    /** A client that owns this server: closing the client stops the server too. */
    io.microregistry.Registry connectOwning() {
        return new io.microregistry.backend.StoreRegistry(new ExampleStore(this, this::close));
    }

    long grant(Duration ttl) {
        synchronized (lock) {
            long id = nextLease++;
            leases.put(id, new Lease(ttl.toNanos(), System.nanoTime() + ttl.toNanos()));
            return id;
        }
    }

    /** Renews a lease; false if the server no longer knows it (expired or dropped). */
    boolean keepAlive(long lease) {
        synchronized (lock) {
            Lease current = leases.get(lease);
            if (current == null) {
                return false;
            }
            leases.put(lease, new Lease(current.ttlNanos(), System.nanoTime() + current.ttlNanos()));
            return true;
        }
    }

    /** Writes every record under {@code lease}, or none if the lease is gone. */
    void put(List<Service> batch, long lease) {
        synchronized (lock) {
            if (!leases.containsKey(lease)) {
                throw new IllegalStateException("lease " + lease + " not found");
            }
            for (Service record : batch) {
                Entry old = records.put(key(record.name(), record.nodes().get(0).id()), new Entry(record, lease));
                if (old == null) {
                    publish(WatchEvent.create(record));
                } else if (!old.record().equals(record)) {
                    publish(WatchEvent.update(record));
                }
            }
        }
    }

    void delete(String name, String nodeId) {
        synchronized (lock) {
            Entry old = records.remove(key(name, nodeId));
            if (old != null) {
                publish(WatchEvent.delete(old.record()));
            }
        }
    }

    /** Ends a lease and deletes its records: what a revoke, or the server dropping it, does. */
    void drop(long lease) {
        synchronized (lock) {
            leases.remove(lease);
            records.values().removeIf(entry -> {
                if (entry.lease() == lease) {
                    publish(WatchEvent.delete(entry.record()));
                    return true;
                }
                return false;
            });
        }
    }

    List<Service> read(Optional<String> name) {
        synchronized (lock) {
            Map<String, Entry> range = name.isEmpty() ? records
                    : records.subMap(KeySegment.of(name.get()) + "/", KeySegment.of(name.get()) + "0");
            List<Service> out = new ArrayList<>();
            range.values().forEach(entry -> out.add(entry.record()));
            return out;
        }
    }

    /** Calls {@code watcher} with every change from now on, in order; the returned hook ends that. */
    Runnable watch(Consumer<WatchEvent> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    private void expire() {
        long now = System.nanoTime();
        synchronized (lock) {
            List<Long> expired = leases.entrySet().stream()
                    .filter(e -> now - e.getValue().expiresAt() >= 0).map(Map.Entry::getKey).toList();
            expired.forEach(this::drop);
        }
    }

    private void publish(WatchEvent event) {
        watchers.forEach(w -> w.accept(event));
    }

    /**
     * The record layout: {@code <name>/<nodeId>}, each part a {@link KeySegment}, so that two
     * different names or ids never share a key ({@code a/b} and {@code a-b} stay apart).
     */
    private static String key(String name, String nodeId) {
        return KeySegment.of(name) + "/" + KeySegment.of(nodeId);
    }

    @Override
    public void close() {
        expiry.shutdownNow();
    }
}

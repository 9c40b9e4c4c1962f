package io.microregistry.memory;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.WatchSink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The shared state behind one or more {@link MemoryRegistry} clients: the registrations,
 * their expiry, and the watchers. Clients on the same store see each other, like processes
 * on the same server; separate stores are separate worlds.
 *
 * <p>Thread-safe. Changes are applied under one lock and delivered to every watcher in that
 * order. Owns one daemon thread that expires registrations whose owner stopped renewing;
 * {@link #close()} ends it.
 */
public final class MemoryStore implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MemoryStore.class);

    /** How often expiry is checked; reads filter expired entries regardless. */
    static final long SWEEP_MILLIS = 100;

    private final Object lock = new Object();
    /** service name -> node id -> entry. */
    private final Map<String, Map<String, Entry>> services = new HashMap<>();
    private final List<WatchSink> watchers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sweeper;
    private final LongSupplier clock;

    /** A store with its own expiry thread. */
    public MemoryStore() {
        this(System::nanoTime);
    }

    MemoryStore(LongSupplier clock) {
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-memory-expiry"));
        sweeper.scheduleWithFixedDelay(this::expireGuarded, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A new client on this store, reporting to the observer found on the class path. */
    public MemoryRegistry client() {
        return client(io.microregistry.metrics.RegistryObserver.discover());
    }

    /**
     * A new client on this store whose metrics go to {@code observer}
     * ({@link io.microregistry.metrics.RegistryObserver#none()} for none).
     */
    public MemoryRegistry client(io.microregistry.metrics.RegistryObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException("observer must not be null");
        }
        return new MemoryRegistry(new MemoryConnection(this, false), observer);
    }

    /** One node's registration. {@code owner} keeps it alive while it lives. */
    private static final class Entry {
        final Service record;
        final MemoryConnection owner;
        final long ttlNanos;

        Entry(Service record, MemoryConnection owner, long ttlNanos) {
            this.record = record;
            this.owner = owner;
            this.ttlNanos = ttlNanos;
        }

        boolean expired(long now) {
            long lastRenewal = owner.lastRenewal(now);
            return now - lastRenewal >= ttlNanos;
        }
    }

    long now() {
        return clock.getAsLong();
    }

    void put(Service record, MemoryConnection owner, long ttlNanos) {
        String nodeId = record.nodes().get(0).id();
        synchronized (lock) {
            if (owner.isClosed()) {
                // Closing removes the owner's entries under this lock; a write after that would outlive it.
                throw new IllegalStateException("registry is closed");
            }
            Map<String, Entry> nodes = services.computeIfAbsent(record.name(), k -> new HashMap<>());
            Entry old = nodes.put(nodeId, new Entry(record, owner, ttlNanos));
            if (old == null || old.expired(now())) {
                publish(WatchEvent.create(record));
            } else if (!old.record.equals(record)) {
                publish(WatchEvent.update(record));
            }
        }
    }

    void remove(String serviceName, String nodeId) {
        synchronized (lock) {
            Map<String, Entry> nodes = services.get(serviceName);
            Entry old = nodes == null ? null : nodes.remove(nodeId);
            if (nodes != null && nodes.isEmpty()) {
                services.remove(serviceName);
            }
            if (old != null && !old.expired(now())) {
                publish(WatchEvent.delete(old.record));
            }
        }
    }

    /** Removes the entry of that node if {@code owner} wrote it (another client may have replaced it since). */
    void removeIfOwnedBy(String serviceName, String nodeId, MemoryConnection owner) {
        synchronized (lock) {
            Map<String, Entry> nodes = services.get(serviceName);
            Entry entry = nodes == null ? null : nodes.get(nodeId);
            if (entry != null && entry.owner == owner) {
                remove(serviceName, nodeId);
            }
        }
    }

    /** The live records of one service, one node each. */
    List<Service> records(String serviceName) {
        long now = now();
        synchronized (lock) {
            Map<String, Entry> nodes = services.get(serviceName);
            if (nodes == null) {
                return List.of();
            }
            return nodes.values().stream().filter(e -> !e.expired(now)).map(e -> e.record).toList();
        }
    }

    /** The live records of every service, one node each. */
    List<Service> records() {
        long now = now();
        synchronized (lock) {
            return services.values().stream().flatMap(nodes -> nodes.values().stream())
                    .filter(e -> !e.expired(now)).map(e -> e.record).toList();
        }
    }

    /** Pushes every later change to {@code sink} until the returned watch is closed. */
    PrefixWatch addWatcher(WatchSink sink) {
        watchers.add(sink);
        return () -> watchers.remove(sink);
    }

    /** Called under the lock, so every watcher sees one global order. */
    private void publish(WatchEvent event) {
        for (WatchSink watcher : watchers) {
            watcher.event(event);
        }
    }

    /** A repeating task that throws is never run again: expiry must survive any one failure. */
    private void expireGuarded() {
        try {
            expire();
        } catch (RuntimeException e) {
            LOG.error("memory registry expiry failed; retrying on the next sweep", e);
        }
    }

    /** Drops expired entries, publishing a DELETE for each. */
    void expire() {
        long now = now();
        synchronized (lock) {
            var serviceIterator = services.values().iterator();
            while (serviceIterator.hasNext()) {
                Map<String, Entry> nodes = serviceIterator.next();
                var nodeIterator = nodes.values().iterator();
                while (nodeIterator.hasNext()) {
                    Entry entry = nodeIterator.next();
                    if (entry.expired(now)) {
                        nodeIterator.remove();
                        publish(WatchEvent.delete(entry.record));
                    }
                }
                if (nodes.isEmpty()) {
                    serviceIterator.remove();
                }
            }
        }
    }

    /** Stops the expiry thread and every watcher. Idempotent. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        RegistryUnavailableException closed = new RegistryUnavailableException("memory registry closed", null);
        List<WatchSink> ended = List.copyOf(watchers);
        watchers.clear();
        ended.forEach(sink -> sink.broken(closed));
    }

    @Override
    public String toString() {
        return "MemoryStore@" + Integer.toHexString(Objects.hashCode(this));
    }
}

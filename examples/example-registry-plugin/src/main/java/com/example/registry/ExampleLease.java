package com.example.registry;

import io.microregistry.Backoff;
import io.microregistry.Service;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The records of one client and one TTL class on one server lease, renewed every TTL/3. When
 * the server no longer knows the lease (expired during a pause, dropped), a new one is granted
 * and every record kept is written back, with backoff, until that works or the group closes.
 * Each loss and each record written back is reported to the client's {@link RegistryObserver}
 * (metrics: {@code microregistry.liveness.losses}, {@code microregistry.registrations.written-back}).
 *
 * <p>Thread-safe: the core's calls and the keep-alive task take the same lock.
 */
final class ExampleLease implements LivenessGroup {

    private static final Logger LOG = LoggerFactory.getLogger(ExampleLease.class);

    private final ExampleServer server;
    private final ScheduledExecutorService scheduler;
    private final Duration ttl;
    private final Consumer<ExampleLease> onClose;
    private final RegistryObserver observer;
    private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1));
    /** Node key to the record kept; guarded by {@code this}. */
    private final Map<String, Service> kept = new LinkedHashMap<>();
    private long lease;
    private boolean closed;

    ExampleLease(ExampleServer server, ScheduledExecutorService scheduler, Duration ttl,
                 Consumer<ExampleLease> onClose, RegistryObserver observer) {
        this.server = server;
        this.scheduler = scheduler;
        this.ttl = ttl;
        this.onClose = onClose;
        this.observer = observer;
    }

    @Override
    public synchronized void put(List<Service> records) {
        if (lease == 0) {
            lease = server.grant(ttl);
            schedule(ttl.dividedBy(3), 0);
        } else if (!server.keepAlive(lease)) {
            // Lost, and the keep-alive has not noticed yet: write back on a new lease first.
            observer.livenessLost("lease", kept.size());
            lease = server.grant(ttl);
            writeBack();
        }
        server.put(records, lease);
        records.forEach(record -> kept.put(key(record), record));
    }

    @Override
    public synchronized void remove(String serviceName, String nodeId) {
        server.delete(serviceName, nodeId);
        kept.remove(serviceName + '\0' + nodeId);
    }

    @Override
    public synchronized Optional<Service> forget(String serviceName, String nodeId) {
        return Optional.ofNullable(kept.remove(serviceName + '\0' + nodeId));
    }

    @Override
    public synchronized void remember(Service record) {
        kept.put(key(record), record);
    }

    @Override
    public synchronized boolean isEmpty() {
        return kept.isEmpty();
    }

    @Override
    public synchronized void close(boolean release) {
        if (closed) {
            return;
        }
        closed = true;
        if (release && lease != 0) {
            server.drop(lease);
        }
        kept.clear();
        onClose.accept(this);
    }

    /** For the TCK's SESSION_LOSS: the server forgets this lease and its records. */
    synchronized void loseOnServer() {
        if (lease != 0) {
            server.drop(lease);
        }
    }

    /** Renews the lease; if the server lost it, writes every record back on a new one. */
    private synchronized void tick(int failures) {
        if (closed) {
            return;
        }
        if (server.keepAlive(lease)) {
            schedule(ttl.dividedBy(3), 0);
            return;
        }
        if (failures == 0) {
            LOG.warn("example lease {} lost; writing {} record(s) back", lease, kept.size());
            observer.livenessLost("lease", kept.size());
        }
        try {
            lease = server.grant(ttl);
            writeBack();
            LOG.info("example lease {} holds the {} record(s) again", lease, kept.size());
            schedule(ttl.dividedBy(3), 0);
        } catch (RuntimeException e) {
            schedule(backoff.delay(failures), failures + 1);
        }
    }

    /** Puts every record kept on the current lease, and tells the observer of each. Holds the lock. */
    private void writeBack() {
        List<Service> records = new ArrayList<>(kept.values());
        server.put(records, lease);
        records.forEach(record -> observer.writtenBack(record.name(), record.nodes().get(0).id()));
    }

    private void schedule(Duration delay, int failures) {
        try {
            scheduler.schedule(() -> tick(failures), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The client is closing: nothing more to keep alive.
        }
    }

    private static String key(Service record) {
        return record.name() + '\0' + record.nodes().get(0).id();
    }
}

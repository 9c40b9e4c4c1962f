package io.microregistry.memory;

import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.WatchSink;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.RegistryStore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One client's connection to a {@link MemoryStore}: the {@link RegistryStore} under a
 * {@link MemoryRegistry}. Its records stay alive while it is open; once it is closed or
 * abandoned, those its groups did not remove expire after their TTL, as a crashed process's
 * would on a server.
 *
 * <p>Thread-safe and non-blocking apart from the store's lock; never throws
 * {@link io.microregistry.RegistryException}, since there is no backend to fail.
 */
final class MemoryConnection implements RegistryStore {

    private final MemoryStore store;
    private final boolean ownsStore;
    /** When this client stopped renewing; {@code Long.MIN_VALUE} while it is open. */
    private volatile long stoppedAt = Long.MIN_VALUE;

    MemoryConnection(MemoryStore store, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
    }

    /** The last time this client renewed its registrations: "now" while it is open. */
    long lastRenewal(long now) {
        long stopped = stoppedAt;
        return stopped == Long.MIN_VALUE ? now : stopped;
    }

    /** Whether this client stopped: the store refuses its writes from then on. */
    boolean isClosed() {
        return stoppedAt != Long.MIN_VALUE;
    }

    @Override
    public String describe() {
        return store.toString();
    }

    /** Exact: a memory entry expires after precisely its own TTL. */
    @Override
    public Duration ttlClass(Duration ttl) {
        return ttl;
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return new MemoryGroup(store, this, ttlClass.toNanos());
    }

    @Override
    public List<Service> read(Optional<String> name) {
        return name.map(store::records).orElseGet(store::records);
    }

    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        if (includingOwn) {
            store.remove(serviceName, nodeId);
        }
    }

    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        return store.addWatcher(sink);
    }

    @Override
    public void close() {
        if (stoppedAt == Long.MIN_VALUE) {
            stoppedAt = store.now();
        }
        if (ownsStore) {
            store.close();
        }
    }
}

package io.microregistry.memory;

import io.microregistry.Service;
import io.microregistry.backend.LivenessGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records of one {@link MemoryConnection} and one TTL. A memory entry lives while its
 * connection is open, so there is nothing to renew and nothing is ever lost; closing with
 * release removes the records at once, closing without leaves them to expire.
 *
 * <p>Thread-safe.
 */
final class MemoryGroup implements LivenessGroup {

    private final MemoryStore store;
    private final MemoryConnection owner;
    private final long ttlNanos;
    /** Node key to the record kept; guarded by {@code this}. */
    private final Map<String, Service> kept = new LinkedHashMap<>();

    MemoryGroup(MemoryStore store, MemoryConnection owner, long ttlNanos) {
        this.store = store;
        this.owner = owner;
        this.ttlNanos = ttlNanos;
    }

    @Override
    public synchronized void put(List<Service> records) {
        for (Service record : records) {
            store.put(record, owner, ttlNanos);
            kept.put(key(record.name(), record.nodes().get(0).id()), record);
        }
    }

    @Override
    public synchronized void remove(String serviceName, String nodeId) {
        store.remove(serviceName, nodeId);
        kept.remove(key(serviceName, nodeId));
    }

    @Override
    public synchronized Optional<Service> forget(String serviceName, String nodeId) {
        return Optional.ofNullable(kept.remove(key(serviceName, nodeId)));
    }

    @Override
    public synchronized void remember(Service record) {
        kept.put(key(record.name(), record.nodes().get(0).id()), record);
    }

    @Override
    public synchronized boolean isEmpty() {
        return kept.isEmpty();
    }

    @Override
    public synchronized void close(boolean release) {
        if (release) {
            kept.values().forEach(record -> store.removeIfOwnedBy(record.name(), record.nodes().get(0).id(), owner));
        }
        kept.clear();
    }

    private static String key(String serviceName, String nodeId) {
        return serviceName + '\0' + nodeId;
    }
}

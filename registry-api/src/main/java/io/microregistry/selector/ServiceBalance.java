package io.microregistry.selector;

import io.microregistry.Service;
import io.microregistry.cache.CachedService;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A selector's state for one service: the cache entry it follows, the view of the entry's
 * current snapshot, the round-robin position, and the health of each node.
 *
 * <p>Thread-safe. Reading the view is lock-free; only rebuilding it after the snapshot changed
 * takes this object's lock, so concurrent callers rebuild once.
 */
final class ServiceBalance {

    final String name;
    final CachedService entry;
    /** Round-robin position; a long so it never wraps in practice. */
    final AtomicLong position = new AtomicLong();
    /** Nodes of the current view whose {@link NodeHealth#ejectedUntil} is set: zero keeps picking on the fast path. */
    final AtomicInteger ejected = new AtomicInteger();
    final ConcurrentHashMap<String, NodeHealth> health = new ConcurrentHashMap<>();
    private volatile NodeView view;

    ServiceBalance(String name, CachedService entry) {
        this.name = name;
        this.entry = entry;
    }

    /** The view of the entry's current snapshot; rebuilt only if the snapshot changed. */
    NodeView view() {
        List<Service> snapshot = entry.versions();
        NodeView current = view;
        if (current != null && current.source == snapshot) {
            return current;
        }
        return rebuild(snapshot);
    }

    private synchronized NodeView rebuild(List<Service> snapshot) {
        NodeView current = view;
        if (current != null && current.source == snapshot) {
            return current;
        }
        NodeView next = new NodeView(snapshot, health);
        Set<String> present = new HashSet<>();
        for (var node : next.nodes) {
            present.add(node.id());
        }
        // Forget nodes that left: late feedback on them must not count against the service.
        health.values().removeIf(gone -> {
            if (present.contains(gone.nodeId)) {
                return false;
            }
            gone.retired = true;
            if (gone.ejectedUntil.getAndSet(NodeHealth.NOT_EJECTED) != NodeHealth.NOT_EJECTED) {
                ejected.decrementAndGet();
            }
            return true;
        });
        view = next;
        return next;
    }

    /** Forgets failures, ejections and the round-robin position; keeps in-flight counts. */
    void reset() {
        position.set(0);
        for (NodeHealth node : health.values()) {
            node.failures.set(0);
            node.ejections.set(0);
            if (node.ejectedUntil.getAndSet(NodeHealth.NOT_EJECTED) != NodeHealth.NOT_EJECTED) {
                ejected.decrementAndGet();
            }
        }
    }
}

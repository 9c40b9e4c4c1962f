package io.microregistry.memory;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.EventQueue;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.backend.SubscriptionHub;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of a {@link MemoryStore}. Its registrations stay alive while it is open; when it
 * is closed they are removed, and when it is {@link #halt() halted} (what a crash leaves
 * behind) they expire after their TTL.
 *
 * <p>Thread-safe and non-blocking apart from the store's lock. Follows the {@link Registry}
 * contract; it never throws {@link io.microregistry.RegistryException} since there is no
 * backend to fail.
 */
public final class MemoryRegistry implements Registry {

    private final MemoryStore store;
    private final boolean ownsStore;
    private final Set<EventQueue> watchers = ConcurrentHashMap.newKeySet();
    /** Push subscriptions, one backend watch per prefix shared by every subscriber of this client. */
    private final SubscriptionHub hub = new SubscriptionHub(this);
    /** When this client stopped renewing (halted or closed); {@code Long.MIN_VALUE} while alive. */
    private volatile long stoppedAt = Long.MIN_VALUE;
    /** Unusable: halted or closed. The store reads it under its lock to refuse late writes. */
    private volatile boolean closed;
    /** {@link #close()} has run; separate from {@link #closed} so a halted client still frees its store. */
    private final java.util.concurrent.atomic.AtomicBoolean closeCalled = new java.util.concurrent.atomic.AtomicBoolean();

    MemoryRegistry(MemoryStore store, boolean ownsStore) {
        this.store = store;
        this.ownsStore = ownsStore;
    }

    /** A client with a store of its own, closed with it. */
    public static MemoryRegistry standalone() {
        return new MemoryRegistry(new MemoryStore(), true);
    }

    /** The last time this client renewed its registrations: "now" while it is alive. */
    long lastRenewal(long now) {
        long stopped = stoppedAt;
        return stopped == Long.MIN_VALUE ? now : stopped;
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        checkOpen();
        long ttl = options.ttl().toNanos();
        for (Node node : service.nodes()) {
            store.put(service.withNode(node), this, ttl);
        }
    }

    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        checkOpen();
        for (Node node : service.nodes()) {
            store.remove(service.name(), node.id());
        }
    }

    @Override
    public List<Service> getService(String name) {
        RegistrationRules.checkServiceName(name);
        checkOpen();
        return store.get(name);
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        return store.list();
    }

    @Override
    public Watcher watch(WatchOptions options) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        EventQueue[] self = new EventQueue[1];
        EventQueue watcher = new EventQueue(options, () -> {
            store.removeWatcher(self[0]);
            watchers.remove(self[0]);
        });
        self[0] = watcher;
        watchers.add(watcher);
        store.addWatcher(watcher);
        return watcher;
    }

    @Override
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        return hub.subscribe(options, listener);
    }

    /**
     * Stops renewing and watching without deregistering, as if the process had crashed:
     * this client's nodes expire after their TTL. For tests of liveness; the client is
     * unusable afterwards.
     */
    public void halt() {
        if (stoppedAt == Long.MIN_VALUE) {
            stoppedAt = store.now();
        }
        closed = true;
        hub.close();
        watchers.forEach(EventQueue::stop);
    }

    /** Whether this client may no longer write: the store refuses its writes from then on. */
    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closeCalled.compareAndSet(false, true)) {
            return;
        }
        boolean halted = closed;
        closed = true;
        if (!halted) {
            store.removeOwnedBy(this);
            stoppedAt = store.now();
        }
        hub.close();
        watchers.forEach(EventQueue::stop);
        if (ownsStore) {
            store.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    @Override
    public String toString() {
        return "MemoryRegistry[" + store + "]";
    }
}

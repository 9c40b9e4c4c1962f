package io.microregistry.memory;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.metrics.RegistryObserver;

import java.util.List;

/**
 * A client of a {@link MemoryStore}: the shared {@link StoreRegistry} core over a
 * {@link MemoryConnection}. Its registrations stay alive while it is open; when it is closed
 * they are removed, and when it is {@link #halt() halted} (what a crash leaves behind) they
 * expire after their TTL.
 *
 * <p>Thread-safe and non-blocking apart from the store's lock. Follows the {@link Registry}
 * contract; it never throws {@link io.microregistry.RegistryException} since there is no
 * backend to fail.
 */
public final class MemoryRegistry implements Registry {

    private final StoreRegistry core;

    MemoryRegistry(MemoryConnection connection) {
        this(connection, RegistryObserver.discover());
    }

    MemoryRegistry(MemoryConnection connection, RegistryObserver observer) {
        this.core = new StoreRegistry(connection, observer);
    }

    /** A client with a store of its own, closed with it. */
    public static MemoryRegistry standalone() {
        return new MemoryRegistry(new MemoryConnection(new MemoryStore(), true), RegistryObserver.discover());
    }

    /** Where this client's metrics go (see {@link StoreRegistry#observer()}). */
    public RegistryObserver observer() {
        return core.observer();
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        core.register(service, options);
    }

    @Override
    public void deregister(Service service) {
        core.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
        return core.getService(name);
    }

    @Override
    public List<Service> listServices() {
        return core.listServices();
    }

    @Override
    public Watcher watch(WatchOptions options) {
        return core.watch(options);
    }

    @Override
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        return core.subscribe(options, listener);
    }

    /**
     * Stops renewing and watching without deregistering, as if the process had crashed:
     * this client's nodes expire after their TTL. For tests of liveness; the client is
     * unusable afterwards.
     */
    public void halt() {
        core.abandon();
    }

    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "MemoryRegistry[" + core.store().describe() + "]";
    }
}

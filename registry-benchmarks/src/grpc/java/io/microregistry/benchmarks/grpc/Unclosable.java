package io.microregistry.benchmarks.grpc;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;

import java.util.List;

/** One memory registry shared by the three roles of a run; closed once, by its owner. */
final class Unclosable implements Registry {
    private final Registry delegate;

    Unclosable(Registry delegate) {
        this.delegate = delegate;
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        delegate.register(service, options);
    }

    @Override
    public void deregister(Service service) {
        delegate.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
        return delegate.getService(name);
    }

    @Override
    public List<Service> listServices() {
        return delegate.listServices();
    }

    @Override
    public Watcher watch(WatchOptions options) {
        return delegate.watch(options);
    }

    @Override
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        return delegate.subscribe(options, listener);
    }

    @Override
    public void close() {
        // Owned by the caller of the run.
    }
}

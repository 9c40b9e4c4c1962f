package io.microregistry.tck;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;

import java.util.List;

/** A registry that passes everything to another: the base of the deliberately broken ones. */
class ForwardingRegistry implements Registry {
    final Registry delegate;

    ForwardingRegistry(Registry delegate) {
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
    public void close() {
        delegate.close();
    }
}

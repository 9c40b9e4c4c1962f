package com.example.registry;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.memory.MemoryRegistry;

import java.util.List;

/**
 * A client of an {@link ExampleServer}. It checks input with {@link RegistrationRules} before
 * touching the server, as every plugin should, so bad input fails the same way everywhere.
 *
 * <p>Thread-safe. {@link #abandon()} is the fault hook the TCK needs for
 * {@code Capability.ABANDON_CLIENT}: it is package-private, not part of {@link Registry}, and
 * the test fixture (in the same package) calls it.
 */
public final class ExampleRegistry implements Registry {

    private final MemoryRegistry connection;
    private final Runnable afterClose;

    ExampleRegistry(MemoryRegistry connection, Runnable afterClose) {
        this.connection = connection;
        this.afterClose = afterClose;
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        connection.register(service, options);
    }

    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        connection.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
        RegistrationRules.checkServiceName(name);
        return connection.getService(name);
    }

    @Override
    public List<Service> listServices() {
        return connection.listServices();
    }

    @Override
    public Watcher watch(WatchOptions options) {
        RegistrationRules.checkWatch(options);
        return connection.watch(options);
    }

    /** Stops keeping this client's nodes alive without deregistering them: what a crash leaves. */
    void abandon() {
        connection.halt();
    }

    @Override
    public void close() {
        connection.close();
        afterClose.run();
    }
}

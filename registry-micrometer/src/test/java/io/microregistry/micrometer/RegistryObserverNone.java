package io.microregistry.micrometer;

import io.microregistry.metrics.RegistryObserver;

/** Clients a test does not measure. */
final class RegistryObserverNone {
    static final RegistryObserver NONE = RegistryObserver.none();

    private RegistryObserverNone() {
    }
}

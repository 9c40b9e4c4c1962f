package io.microregistry.metrics;

import io.microregistry.internal.Implementations;

import java.util.List;

/** How {@link RegistryObserver}s are found and combined. Stateless; see {@link RegistryObserver#discover()}. */
final class Observers {

    /** Records nothing. Immutable. */
    static final RegistryObserver NONE = new RegistryObserver() {
        @Override
        public String toString() {
            return "RegistryObserver.none()";
        }
    };

    private Observers() {
    }

    static RegistryObserver discover() {
        List<RegistryObserver> found = load();
        if (found.isEmpty()) {
            return NONE;
        }
        if (found.size() == 1) {
            return guarded(found.get(0));
        }
        return new FanOut(found.stream().map(Observers::guarded).toArray(RegistryObserver[]::new));
    }

    static RegistryObserver guarded(RegistryObserver observer) {
        if (observer == null) {
            throw new IllegalArgumentException("observer must not be null");
        }
        if (observer == NONE || observer instanceof GuardedObserver || observer instanceof FanOut) {
            return observer;
        }
        return new GuardedObserver(observer);
    }

    /** Observers on the class path, each class once, as {@link io.microregistry.Registries} finds providers. */
    private static List<RegistryObserver> load() {
        return Implementations.of(RegistryObserver.class, "registry observer");
    }
}

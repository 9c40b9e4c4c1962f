package io.microregistry.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

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

    /**
     * Implementations visible to the context class loader and to this library's own loader, each
     * class once (as {@link io.microregistry.Registries} finds providers).
     */
    private static List<RegistryObserver> load() {
        Map<String, RegistryObserver> byClass = new LinkedHashMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, Observers.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                ServiceLoader.load(RegistryObserver.class, loader)
                        .forEach(o -> byClass.putIfAbsent(o.getClass().getName(), o));
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a registry observer on the class path could not be loaded: "
                        + e.getMessage(), e);
            }
        }
        return new ArrayList<>(byClass.values());
    }
}

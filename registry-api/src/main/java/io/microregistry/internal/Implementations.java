package io.microregistry.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds the implementations of a service interface listed for {@link ServiceLoader}, the one way
 * registry providers, config providers and registry observers are all found.
 *
 * <p>Looks through the context class loader and this library's own loader (an application
 * server's context loader may not see the library), and keeps each implementation class once,
 * the context loader's first.
 *
 * <p><b>Blocking:</b> loads classes and runs the implementations' constructors on the calling
 * thread. <b>Thread-safety:</b> stateless; callable from any thread. <b>Nulls:</b> no argument
 * may be null ({@link NullPointerException}). <b>Failure:</b> an implementation that cannot be
 * loaded or constructed is an {@link IllegalStateException} naming {@code what}, with the
 * {@link ServiceConfigurationError} as cause; none found is an empty list.
 */
public final class Implementations {
    private Implementations() {
    }

    /**
     * A fresh instance of every implementation of {@code type}, in discovery order.
     *
     * @param what what one implementation is, for the error, e.g. {@code "registry provider"}
     */
    public static <T> List<T> of(Class<T> type, String what) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(what, "what");
        Map<String, T> byClass = new LinkedHashMap<>();
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                Implementations.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                ServiceLoader.load(type, loader).forEach(found -> byClass.putIfAbsent(found.getClass().getName(), found));
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("a " + what + " on the class path could not be loaded: "
                        + e.getMessage(), e);
            }
        }
        return new ArrayList<>(byClass.values());
    }
}

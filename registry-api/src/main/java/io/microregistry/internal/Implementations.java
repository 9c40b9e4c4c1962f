package io.microregistry.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds the implementations of a service interface listed for {@link ServiceLoader}, the one way
 * registry providers, config providers and registry observers are all found.
 *
 * <p>Looks through the context class loader and this library's own loader (an application
 * server's context loader may not see the library), and keeps each implementation class once,
 * the context loader's first. Providers are picked by name the same way for registries and config
 * centers: case-insensitive, exactly one.
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

    /**
     * The one implementation of {@code type} whose name, as {@code nameOf} gives it, is
     * {@code name} (trimmed, case-insensitive).
     *
     * @param what what one implementation is, for the errors, e.g. {@code "registry provider"}
     * @throws IllegalArgumentException if none or more than one has that name; the message lists
     *                                  the names found, or the classes that share the name
     */
    public static <T> T named(Class<T> type, Function<T, String> nameOf, String name, String what) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        List<T> matches = new ArrayList<>();
        SortedMap<String, String> found = new TreeMap<>();
        for (T candidate : of(type, what)) {
            String candidateName = nameOf.apply(candidate).toLowerCase(Locale.ROOT);
            found.merge(candidateName, candidate.getClass().getName(), (a, b) -> a + ", " + b);
            if (candidateName.equals(wanted)) {
                matches.add(candidate);
            }
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no " + what + " named '" + wanted + "' on the class path; found: "
                    + String.join(", ", found.keySet())
                    + ". Add the backend's module (e.g. registry-" + ("memory".equals(wanted) ? "core" : wanted)
                    + ") as a dependency.");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("more than one " + what + " is named '" + wanted + "': "
                    + found.get(wanted) + ". Keep exactly one of them on the class path.");
        }
        return matches.get(0);
    }

    /** The names, as {@code nameOf} gives them, of every implementation of {@code type}: lower case, sorted, each once. */
    public static <T> List<String> names(Class<T> type, Function<T, String> nameOf, String what) {
        return of(type, what).stream().map(t -> nameOf.apply(t).toLowerCase(Locale.ROOT)).distinct().sorted().toList();
    }
}

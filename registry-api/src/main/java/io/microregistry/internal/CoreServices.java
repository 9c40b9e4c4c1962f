package io.microregistry.internal;

import io.microregistry.Registry;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;

import java.io.IOException;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Not API. The few things the application-facing types need at run time from
 * {@code registry-core}, which holds the implementations and Jackson: found with
 * {@link ServiceLoader} so that {@code registry-api} compiles without either (issue 11).
 * {@code registry-core} lists exactly one implementation in
 * {@code META-INF/services/io.microregistry.internal.CoreServices}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface CoreServices {

    /**
     * A push subscription over {@code registry}'s blocking watch: the default of
     * {@link Registry#subscribe(WatchOptions, WatchListener)}, for registries that do not
     * share one subscription hub per client.
     */
    Subscription subscribe(Registry registry, WatchOptions options, WatchListener listener);

    /**
     * {@code json} bound to {@code type}, unknown properties failing: the binding of
     * {@link io.microregistry.config.ConfigReads#getJson(String, Class)}.
     *
     * @throws IOException if {@code json} is not JSON of {@code type}
     */
    <T> T readJson(byte[] json, Class<T> type) throws IOException;

    /**
     * The one implementation on the class path.
     *
     * @throws IllegalStateException if {@code registry-core} is not on the class path
     */
    static CoreServices get() {
        return Loaded.INSTANCE;
    }

    /** Loaded once, on first use: the class path does not change under a running library. */
    final class Loaded {
        static final CoreServices INSTANCE = load();

        private Loaded() {
        }

        private static CoreServices load() {
            // This library's own loader first: it sees registry-core wherever registry-api was found.
            for (ClassLoader loader : new ClassLoader[] {CoreServices.class.getClassLoader(),
                    Thread.currentThread().getContextClassLoader()}) {
                if (loader == null) {
                    continue;
                }
                try {
                    for (CoreServices found : ServiceLoader.load(CoreServices.class, loader)) {
                        return found;
                    }
                } catch (ServiceConfigurationError e) {
                    throw new IllegalStateException("registry-core is on the class path but could not be loaded: "
                            + e.getMessage(), e);
                }
            }
            throw new IllegalStateException("registry-core is not on the class path: add io.microregistry:registry-core"
                    + " (runtime scope is enough) or a backend module, which brings it");
        }
    }
}

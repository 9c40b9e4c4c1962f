package io.microregistry;

/**
 * A backend plugin, found with {@link java.util.ServiceLoader}. List the implementation in
 * {@code META-INF/services/io.microregistry.RegistryProvider}; it needs a public no-argument
 * constructor.
 *
 * <p>Implementations must be thread-safe and cheap to construct: {@link Registries} creates
 * one per lookup and asks only {@link #name()} of providers it does not pick.
 */
public interface RegistryProvider {

    /** The name users select with {@code MICRO_REGISTRY}: lower case, e.g. {@code "etcd"}. */
    String name();

    /**
     * Opens a client. May contact the backend; if it does not, connection and credential
     * failures surface on the first call at the latest, as {@link RegistryException}s.
     *
     * @throws IllegalArgumentException if the configuration is unusable (bad address, say)
     */
    Registry open(RegistryConfig config);
}

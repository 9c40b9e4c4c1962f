package io.microregistry;

import io.microregistry.internal.Implementations;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens registries by provider name, with providers found on the class path through
 * {@link ServiceLoader}. The backend is a deployment decision: code calls
 * {@link #fromEnvironment()} and {@code MICRO_REGISTRY} picks the backend.
 *
 * <p>Stateless and thread-safe: every call scans the class path anew.
 */
public final class Registries {

    /** The provider used when {@code MICRO_REGISTRY} is unset. */
    public static final String DEFAULT_PROVIDER = "memory";

    private Registries() {
    }

    /**
     * Opens the registry named by {@code MICRO_REGISTRY} (default {@code memory}), configured
     * from the other {@code MICRO_REGISTRY_*} variables; each is overridden by its system
     * property ({@code micro.registry}, {@code micro.registry.address}, ...).
     *
     * @throws IllegalArgumentException if no provider, or more than one, has that name
     */
    public static Registry fromEnvironment() {
        Map<String, String> env = System.getenv();
        String name = RegistryConfig.Setting.read(env, System.getProperties(), null);
        return open(name == null ? DEFAULT_PROVIDER : name, RegistryConfig.fromEnvironment(env, System.getProperties()));
    }

    /**
     * Opens the named registry with the given configuration, ignoring the environment.
     *
     * @throws IllegalArgumentException if no provider, or more than one, has that name
     */
    public static Registry open(String name, RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return provider(name).open(config);
    }

    /** The provider with this name (case-insensitive). */
    public static RegistryProvider provider(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("registry name must not be blank");
        }
        return Implementations.named(RegistryProvider.class, RegistryProvider::name, name, "registry provider");
    }

    /** Names of every provider on the class path, sorted. */
    public static List<String> providerNames() {
        return Implementations.names(RegistryProvider.class, RegistryProvider::name, "registry provider");
    }
}

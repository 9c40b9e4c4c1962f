package io.microregistry.config;

import io.microregistry.RegistryConfig;
import io.microregistry.internal.Implementations;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens config clients by provider name, with providers found through {@link ServiceLoader}.
 * The backend is chosen like the registry's: {@code MICRO_REGISTRY} names it (default
 * {@code memory}) and the {@code MICRO_REGISTRY_*} settings (address, credentials, token,
 * TLS, timeout) configure it, each overridden by its system property.
 *
 * <p>Stateless and thread-safe.
 */
public final class Configs {

    /** The provider used when {@code MICRO_REGISTRY} is unset. */
    public static final String DEFAULT_PROVIDER = "memory";

    private Configs() {
    }

    /**
     * Opens the config center named by {@code MICRO_REGISTRY} / {@code micro.registry}.
     *
     * @throws IllegalArgumentException if no provider, or more than one, has that name
     */
    public static Config fromEnvironment() {
        String name = System.getProperty("micro.registry");
        if (name == null || name.isBlank()) {
            name = System.getenv("MICRO_REGISTRY");
        }
        return open(name == null || name.isBlank() ? DEFAULT_PROVIDER : name.trim(),
                RegistryConfig.fromEnvironment(System.getenv(), System.getProperties()));
    }

    /**
     * Opens the named config center with this configuration, ignoring the environment.
     *
     * @throws IllegalArgumentException if no provider, or more than one, has that name
     */
    public static Config open(String name, RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return provider(name).open(config);
    }

    /** The provider with this name, case-insensitive. */
    public static ConfigProvider provider(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("config provider name must not be blank");
        }
        return Implementations.named(ConfigProvider.class, ConfigProvider::name, name, "config provider");
    }

    /** Names of every config provider on the class path, sorted. */
    public static List<String> providerNames() {
        return Implementations.names(ConfigProvider.class, ConfigProvider::name, "config provider");
    }
}

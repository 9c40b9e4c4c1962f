package io.microregistry.cli;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Which backend the command talks to and how: the provider name and its configuration, taken from
 * {@code MICRO_REGISTRY*} (each overridden by its {@code micro.registry*} system property), then overridden
 * by the command-line flags, as go-micro's {@code --registry} and {@code --registry_address} do.
 *
 * <p>Immutable.
 *
 * @param provider provider name, lower case, e.g. {@code etcd}
 * @param config   addresses, credentials, TLS and timeout
 */
record BackendTarget(String provider, RegistryConfig config) {

    /** Where each known backend listens when no address is given; only used to name it in messages. */
    private static final Map<String, String> USUAL_ADDRESS = Map.of(
            "etcd", "127.0.0.1:2379",
            "consul", "127.0.0.1:8500",
            "zookeeper", "127.0.0.1:2181");

    /**
     * Resolves the target.
     *
     * @param registryFlag {@code --registry}, or null
     * @param addressFlag  {@code --address} values, or null/empty
     * @param timeoutFlag  {@code --timeout}, or null
     * @throws IllegalArgumentException if a variable holds a bad value
     */
    static BackendTarget resolve(String registryFlag, List<String> addressFlag, Duration timeoutFlag,
                                 Map<String, String> env, Properties properties) {
        String name = registryFlag;
        if (blank(name)) {
            name = properties.getProperty("micro.registry");
        }
        if (blank(name)) {
            name = env.get("MICRO_REGISTRY");
        }
        if (blank(name)) {
            name = Registries.DEFAULT_PROVIDER;
        }
        RegistryConfig config = RegistryConfig.fromEnvironment(env, properties);
        if (addressFlag != null && !addressFlag.isEmpty()) {
            config = config.withAddresses(addressFlag);
        }
        if (timeoutFlag != null) {
            config = config.withTimeout(timeoutFlag);
        }
        return new BackendTarget(name.trim().toLowerCase(Locale.ROOT), config);
    }

    /**
     * Opens a client. Fails fast with {@link IllegalArgumentException} if no provider has this name.
     */
    Registry open() {
        return Registries.open(provider, config);
    }

    /** Whether the backend lives inside this process, so nothing outside it sees its registrations. */
    boolean inProcess() {
        return provider.equals(Registries.DEFAULT_PROVIDER);
    }

    /** "etcd at 127.0.0.1:2379", "memory (inside this process)": how messages name the backend. */
    String describe() {
        if (inProcess()) {
            return provider + " (inside this process)";
        }
        if (!config.addresses().isEmpty()) {
            return provider + " at " + String.join(",", config.addresses());
        }
        String usual = USUAL_ADDRESS.get(provider);
        return usual == null ? provider + " at its default address" : provider + " at " + usual + " (default)";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

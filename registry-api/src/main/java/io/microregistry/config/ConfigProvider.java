package io.microregistry.config;

import io.microregistry.RegistryConfig;

/**
 * A config-center backend, found with {@link java.util.ServiceLoader}: list it in
 * {@code META-INF/services/io.microregistry.config.ConfigProvider}, with a public no-argument
 * constructor. Named like the registry provider of the same backend ({@code etcd},
 * {@code consul}, {@code zookeeper}, {@code memory}) and configured by the same
 * {@link RegistryConfig}.
 *
 * <p>Thread-safe and cheap to construct.
 */
public interface ConfigProvider {

    /** The name selected with {@code MICRO_REGISTRY}, lower case. */
    String name();

    /**
     * Opens a config client. A backend writes a store ({@code io.microregistry.config.store.ConfigStore}
     * in {@code registry-core}) and returns it wrapped in the shared core:
     * {@code new StoreConfig(store)}.
     *
     * @throws IllegalArgumentException if the configuration is unusable
     */
    Config open(RegistryConfig config);
}

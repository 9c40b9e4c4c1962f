package io.microregistry.config;

import io.microregistry.RegistryConfig;
import io.microregistry.config.store.ConfigStore;

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
     * Opens the backend's store; {@link Configs} wraps it in the shared core.
     *
     * @throws IllegalArgumentException if the configuration is unusable
     */
    ConfigStore open(RegistryConfig config);
}

package io.microregistry.zookeeper;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryProvider;
import io.microregistry.backend.StoreRegistry;

/**
 * The {@code zookeeper} provider, found through {@link java.util.ServiceLoader}.
 *
 * <p>{@link #open} does not block and does not contact ZooKeeper: the client connects in the
 * background, and connection or credential trouble surfaces on the first call as a
 * {@link io.microregistry.RegistryException}. Addresses default to {@code 127.0.0.1:2181};
 * {@code username}/{@code password} turn on ZooKeeper digest authentication. TLS is not
 * supported yet and is rejected with {@link IllegalArgumentException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ZookeeperRegistryProvider implements RegistryProvider {

    /** The name users select with {@code MICRO_REGISTRY=zookeeper}. */
    public static final String NAME = "zookeeper";

    public ZookeeperRegistryProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Registry open(RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        return new StoreRegistry(new ZookeeperStore(ConnectSettings.from(config)));
    }
}

package io.microregistry.etcd;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryProvider;
import io.microregistry.backend.StoreRegistry;

/**
 * The {@code etcd} provider: {@code MICRO_REGISTRY=etcd}. Reads the endpoints from
 * {@code MICRO_REGISTRY_ADDRESS} (comma list of {@code host:port} or
 * {@code http(s)://host:port}, default {@code 127.0.0.1:2379}), credentials from
 * {@code MICRO_REGISTRY_USERNAME} / {@code _PASSWORD}, TLS files from
 * {@code MICRO_REGISTRY_TLS_CA} / {@code _CERT} / {@code _KEY}, and the per-call deadline
 * from {@code MICRO_REGISTRY_TIMEOUT}.
 *
 * <p>The registry it opens is the shared {@link StoreRegistry} core over an {@code EtcdStore}:
 * it writes go-micro's etcd layout (see the package documentation),
 * keeps its nodes on etcd leases of the registration TTL and re-registers them after a lease
 * is lost; every etcd call has the deadline {@link RegistryConfig#timeout()}, and trouble is
 * a {@link io.microregistry.RegistryException} with jetcd's exception attached.
 *
 * <p>Stateless and thread-safe. {@link #open} does not contact etcd.
 */
public final class EtcdRegistryProvider implements RegistryProvider {

    /** The name users select with {@code MICRO_REGISTRY}. */
    public static final String NAME = "etcd";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Registry open(RegistryConfig config) {
        return new StoreRegistry(EtcdStore.open(config));
    }
}

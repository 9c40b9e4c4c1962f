package io.microregistry.etcd;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TCK's view of the etcd backend. Uses the etcd named by {@code MICRO_REGISTRY_TEST_ETCD}
 * (or system property {@code micro.registry.test.etcd}), {@code host:port}, if set; otherwise
 * starts a real etcd from the binaries the build fetched, on free loopback ports. A server
 * that cannot be had fails the test; it is never skipped.
 *
 * <p>With an external etcd the fixture cannot restart it, so {@link Capability#SERVER_RESTART}
 * is not claimed then.
 */
final class EtcdFixture implements RegistryFixture {

    /** Environment variable naming a running etcd to test against instead of starting one. */
    static final String ENDPOINT_ENV = "MICRO_REGISTRY_TEST_ETCD";

    private final EtcdServer server;
    private final String address;

    EtcdFixture() {
        String external = System.getProperty("micro.registry.test.etcd", System.getenv(ENDPOINT_ENV));
        if (external != null && !external.isBlank()) {
            server = null;
            address = external.trim();
        } else {
            server = EtcdServer.startSingle();
            address = server.address();
        }
    }

    String address() {
        return address;
    }

    EtcdServer server() {
        if (server == null) {
            throw new IllegalStateException("using the external etcd " + address + "; no server to control");
        }
        return server;
    }

    /** A client as the etcd provider opens it: the core over an {@link EtcdStore}. */
    static StoreRegistry open(RegistryConfig config) {
        return new StoreRegistry(EtcdStore.open(config));
    }

    @Override
    public Registry newClient() {
        return open(RegistryConfig.of(address));
    }

    /** A client as the provider opens it for {@code MICRO_REGISTRY_NAMESPACE=namespace}. */
    @Override
    public Registry newClient(String namespace) {
        return open(RegistryConfig.of(address).withNamespace(namespace));
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> capabilities = EnumSet.of(Capability.ABANDON_CLIENT, Capability.KILL_PROCESS,
                Capability.PROVIDER_DISCOVERY, Capability.SESSION_LOSS, Capability.NAMESPACES);
        if (server != null) {
            capabilities.add(Capability.SERVER_RESTART);
        }
        return capabilities;
    }

    @Override
    public void abandon(Registry client) {
        ((StoreRegistry) client).abandon();
    }

    /** Revokes the client's leases from outside, as an operator's etcdctl would; the client stays open. */
    @Override
    public void loseSession(Registry client) {
        List<Long> leases = ((EtcdStore) ((StoreRegistry) client).store()).leaseIds();
        if (leases.isEmpty()) {
            throw new IllegalStateException("the client holds no lease to lose");
        }
        Etcdctl etcdctl = new Etcdctl(address);
        for (long lease : leases) {
            etcdctl.run("lease", "revoke", Long.toHexString(lease));
        }
    }

    @Override
    public void restartServer() {
        server().restart();
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "etcd", "micro.registry.address", address);
    }

    @Override
    public Set<String> sharedThreadPrefixes() {
        return Set.of();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}

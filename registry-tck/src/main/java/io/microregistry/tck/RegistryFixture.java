package io.microregistry.tck;

import io.microregistry.Registry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The porting package: what a backend gives the TCK so the TCK can test it. One fixture
 * serves one test class; it starts whatever server it needs in its constructor (or lazily)
 * and stops it in {@link #close()}.
 *
 * <p>The TCK calls it from one thread at a time, except {@link #newClient()} and
 * {@link #newClient(String)}, which must be thread-safe.
 */
public interface RegistryFixture extends AutoCloseable {

    /** A new, independent client of the backend under test. The TCK closes it. */
    Registry newClient();

    /**
     * A new, independent client of the backend under test whose registrations, lookups, watches
     * and subscriptions all live in {@code namespace}, as the backend's provider opens it for
     * {@code RegistryConfig.withNamespace(namespace)} ({@code MICRO_REGISTRY_NAMESPACE}). The TCK
     * closes it. {@code namespace} is never null and always valid for
     * {@link io.microregistry.RegistryConfig#namespace()}: a path of one or more {@code /segments}
     * (the TCK uses ones under a root of its own, such as {@code /tck-ns-1a2b3c4d/a/b}).
     *
     * <p>Clients of one namespace must see each other exactly as clients of {@link #newClient()}
     * do; clients of different namespaces, and those of {@link #newClient()} (the default root),
     * must never see each other's nodes, whatever the names. Required for
     * {@link Capability#NAMESPACES}; thread-safe like {@link #newClient()}.
     *
     * @throws UnsupportedOperationException by default: the fixture offers no namespaces
     */
    default Registry newClient(String namespace) {
        throw new UnsupportedOperationException("newClient(namespace)");
    }

    /** The capabilities this backend can offer the TCK. */
    Set<Capability> capabilities();

    /**
     * How long a change may take to be visible to another client, and how much longer than
     * its TTL a dead node may linger. Contracts wait up to this, never a fixed time.
     */
    default Duration propagationBound() {
        return Duration.ofSeconds(5);
    }

    /** The TTL the liveness contracts register with. Short, so the suite stays fast. */
    default Duration shortTtl() {
        return Duration.ofSeconds(2);
    }

    /**
     * How long the backend may take to come back after {@link #restartServer()} and have
     * every registration back: the recovery contracts wait up to this.
     */
    default Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

    /**
     * Makes {@code client} stop keeping its nodes alive, without deregistering them and
     * without telling the server: what a crashed process leaves behind. Required for
     * {@link Capability#ABANDON_CLIENT}. The TCK still calls {@code close()} on the client
     * afterwards; that close must not bring the nodes back or remove them early.
     */
    default void abandon(Registry client) {
        throw new UnsupportedOperationException("abandon");
    }

    /**
     * Makes the server drop {@code client}'s lease or session (etcd: revoke its lease;
     * ZooKeeper: expire its session; Consul: destroy its session or check), returning once the
     * server has dropped it, while the client itself stays open and must recover: re-create
     * the lease or session and write back what it still holds, and nothing it has
     * deregistered. Required for {@link Capability#SESSION_LOSS}.
     */
    default void loseSession(Registry client) {
        throw new UnsupportedOperationException("loseSession");
    }

    /**
     * Stops the backend server and starts it again (on the same address), returning once it
     * accepts connections. Whether state survives is the backend's own nature; the TCK
     * requires only that clients restore their registrations. Required for
     * {@link Capability#SERVER_RESTART}.
     */
    default void restartServer() {
        throw new UnsupportedOperationException("restartServer");
    }

    /**
     * System properties that make {@link io.microregistry.Registries#fromEnvironment()} open
     * this backend's server: at least {@code micro.registry} and usually
     * {@code micro.registry.address}. Used by {@link Capability#PROVIDER_DISCOVERY} and by
     * the child JVM of {@link Capability#KILL_PROCESS}.
     */
    default Map<String, String> providerProperties() {
        return Map.of();
    }

    /**
     * Properties for the child JVM of {@link Capability#KILL_PROCESS}; by default
     * {@link #providerProperties()}.
     */
    default Map<String, String> childProcessProperties() {
        return providerProperties();
    }

    /**
     * Name prefixes of threads that are shared by every client of the backend's library for
     * the life of the JVM (a gRPC or HTTP client's global pool, say): the lifecycle contract
     * does not count them as left behind by {@code close()}.
     */
    default Set<String> sharedThreadPrefixes() {
        return Set.of();
    }

    /**
     * Contracts this backend knowingly does not meet, by contract method name (as the test
     * report shows it, e.g. {@code "deregisteredNodeStaysGoneAfterARestart"}), each with the
     * reason: they are reported skipped with that reason, never passed, so an honest partial
     * plugin is possible. A name that is no contract fails the suite, so a typo cannot
     * silently suppress nothing. Build it with {@link Suppressions}.
     */
    default Map<String, String> suppressed() {
        return Map.of();
    }

    /** Stops servers and releases everything. */
    @Override
    void close();
}

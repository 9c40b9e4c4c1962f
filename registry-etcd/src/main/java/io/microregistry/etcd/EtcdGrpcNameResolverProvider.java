package io.microregistry.etcd;

import io.etcd.jetcd.Client;
import io.grpc.Attributes;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.microregistry.Backoff;
import io.microregistry.RegistryConfig;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * grpc-java's resolver for scheme {@code etcd}, reading etcd's own gRPC naming layout, the one
 * grpc-go's {@code go.etcd.io/etcd/client/v3/naming/endpoints} writes and its resolver reads:
 * {@code etcd:///foo/bar/my-service} resolves every key under {@code foo/bar/my-service/} whose
 * value is {@code {"Op":0,"Addr":"host:port","Metadata":...}}, or a bare {@code host:port}
 * (go-zero's layout, key {@code <key>/<leaseId>}). A key deleted is an address gone. Each
 * address group carries its etcd {@link #KEY} and the endpoint's {@link #METADATA} JSON.
 *
 * <p>Which etcd: the authority of the target if it has one
 * ({@code etcd://10.0.0.1:2379,10.0.0.2:2379/my-service}), else a {@link RegistryConfig} handed
 * to the channel with {@code setNameResolverArg(EtcdGrpcNameResolverProvider.CONFIG, config)},
 * else the one given to {@link #EtcdGrpcNameResolverProvider(RegistryConfig)}, else the
 * {@code MICRO_REGISTRY_*} environment (default {@code 127.0.0.1:2379}). One jetcd client per
 * distinct configuration per provider instance, opened on first use and kept for the life of
 * the process (grpc holds one provider instance per process).
 *
 * <p>Thread-safe. A malformed target fails channel creation with
 * {@link IllegalArgumentException} naming the part at fault.
 */
public final class EtcdGrpcNameResolverProvider extends NameResolverProvider {

    /** The target scheme. */
    public static final String SCHEME = "etcd";

    /** The etcd key an address was read from. */
    public static final Attributes.Key<String> KEY = Attributes.Key.create("io.microregistry.etcd.grpc.key");

    /** The endpoint's {@code Metadata} as JSON text ({@code null} when none or a bare address). */
    public static final Attributes.Key<String> METADATA = Attributes.Key.create("io.microregistry.etcd.grpc.metadata");

    /** Hands a channel the etcd to read: {@code setNameResolverArg(CONFIG, RegistryConfig.of("10.0.0.1:2379"))}. */
    public static final NameResolver.Args.Key<RegistryConfig> CONFIG = NameResolver.Args.Key.create(
            "io.microregistry.etcd.grpc.config");

    private final RegistryConfig given;
    // Guarded by itself.
    private final Map<RegistryConfig, EtcdCalls> clients = new HashMap<>();

    /** The provider grpc's {@code ServiceLoader} finds: etcd from the target or the environment. */
    public EtcdGrpcNameResolverProvider() {
        this.given = null;
    }

    /** A provider reading the etcd {@code config} describes (for a {@code NameResolverRegistry} of your own). */
    public EtcdGrpcNameResolverProvider(RegistryConfig config) {
        this.given = Objects.requireNonNull(config, "config");
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        String path = targetUri.getPath();
        if (path == null || path.length() < 2 || path.endsWith("/")) {
            throw new IllegalArgumentException("target must name a key prefix without a trailing '/': expected "
                    + "etcd:///<target>, got " + targetUri);
        }
        String target = path.substring(1);
        RegistryConfig config = config(targetUri, args);
        return new EtcdGrpcNameResolver(target, () -> calls(config), args, Backoff.DEFAULT);
    }

    private RegistryConfig config(URI targetUri, NameResolver.Args args) {
        String authority = targetUri.getAuthority();
        if (authority != null && !authority.isEmpty()) {
            return RegistryConfig.of(Arrays.stream(authority.split(",")).map(String::trim).toArray(String[]::new));
        }
        RegistryConfig perChannel = args.getArg(CONFIG);
        if (perChannel != null) {
            return perChannel;
        }
        if (given != null) {
            return given;
        }
        return RegistryConfig.fromEnvironment(System.getenv(), System.getProperties());
    }

    private EtcdCalls calls(RegistryConfig config) {
        synchronized (clients) {
            return clients.computeIfAbsent(config, c -> {
                EtcdConnection connection = EtcdConnection.of(c);
                Client client = connection.open();
                return new EtcdCalls(client, connection.timeout(), connection.describe());
            });
        }
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    /**
     * Below grpc's DNS resolver (5): the highest priority decides the scheme of targets that
     * have none ({@code host:port}), and those must stay DNS with this jar on the class path.
     */
    @Override
    protected int priority() {
        return 4;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }
}

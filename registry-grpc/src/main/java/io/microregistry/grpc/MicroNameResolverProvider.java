package io.microregistry.grpc;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.microregistry.Registries;
import io.microregistry.Registry;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * grpc-java's resolver for {@code micro:///<service>?version=<v>&<metadata-key>=<value>}:
 * the nodes of {@code <service>} in the registry, followed by push, each an address group
 * carrying {@link MicroAttributes}. Found by grpc through {@code ServiceLoader}, so
 * {@code ManagedChannelBuilder.forTarget("micro:///greeter")} works with this jar on the
 * class path.
 *
 * <p>Which registry: the one handed to a channel with
 * {@code builder.setNameResolverArg(MicroNameResolverProvider.REGISTRY, registry)}, else the
 * one given to {@link #MicroNameResolverProvider(Registry)} (for a provider registered by
 * hand), else one registry per provider instance opened lazily on first use with
 * {@link Registries#fromEnvironment()} ({@code MICRO_REGISTRY}, ...). grpc's default
 * resolver registry holds one instance per process, so channels share that registry and its
 * backend connection. It is never closed by this class (it only reads; the process owns it).
 *
 * <p>Thread-safe. A malformed target fails channel creation with
 * {@link IllegalArgumentException} naming the part at fault.
 */
public final class MicroNameResolverProvider extends NameResolverProvider {

    /** The target scheme. */
    public static final String SCHEME = "micro";

    /** Hands a channel its own registry: {@code setNameResolverArg(REGISTRY, registry)}. */
    public static final NameResolver.Args.Key<Registry> REGISTRY = NameResolver.Args.Key.create(
            "io.microregistry.grpc.registry");

    private final Registry given;
    private final Object lock = new Object();
    // Guarded by lock; opened once, on first use.
    private Registry shared;

    /** The provider grpc's {@code ServiceLoader} finds: uses {@code MICRO_REGISTRY}'s backend, opened lazily. */
    public MicroNameResolverProvider() {
        this.given = null;
    }

    /** A provider resolving through {@code registry} (for a {@code NameResolverRegistry} of your own). */
    public MicroNameResolverProvider(Registry registry) {
        this.given = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
            return null;
        }
        MicroTarget target = MicroTarget.parse(targetUri);
        Registry perChannel = args.getArg(REGISTRY);
        Supplier<Registry> registry = perChannel != null ? () -> perChannel : this::registry;
        return new MicroNameResolver(target, target.service(), registry, args);
    }

    private Registry registry() {
        if (given != null) {
            return given;
        }
        synchronized (lock) {
            if (shared == null) {
                shared = Registries.fromEnvironment();
            }
            return shared;
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

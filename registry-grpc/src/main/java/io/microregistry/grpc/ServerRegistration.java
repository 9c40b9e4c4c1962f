package io.microregistry.grpc;

import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started {@link Server} registered as one node of a service, with its gRPC methods as
 * go-micro endpoints ({@code helloworld.Greeter/SayHello}). Deregistered by {@link #close()}
 * or, at the latest, when the server has terminated.
 *
 * <pre>{@code
 * Server server = ServerBuilder.forPort(0).addService(new Greeter()).build().start();
 * ServerRegistration registration = ServerRegistration.register(registry, server,
 *         ServerRegistration.options("greeter").version("1.0.0").metadata("zone", "eu-1").build());
 * ...
 * registration.close();   // leave the registry first, then drain
 * server.shutdown();
 * }</pre>
 *
 * <p>For a graceful drain call {@link #close()} before {@code server.shutdown()}: clients stop
 * picking the node within the registry's propagation delay while in-flight calls finish.
 * Without it, a daemon thread waiting on {@link Server#awaitTermination()} deregisters once
 * the server has terminated.
 *
 * <p>Thread-safe; {@link #close()} is idempotent, blocking (one registry call) and never throws.
 */
public final class ServerRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerRegistration.class);

    private final Registry registry;
    private final Service service;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerRegistration(Registry registry, Service service) {
        this.registry = registry;
        this.service = service;
    }

    /** Options for {@code serviceName}: a fresh node id, default version, host and TTL. */
    public static Options.Builder options(String serviceName) {
        return new Options.Builder(serviceName);
    }

    /**
     * Registers {@code server} (started, listening on an IP socket) and returns once the
     * registry holds it. Blocking.
     *
     * @throws IllegalArgumentException if the server is not started or has no IP listen socket,
     *                                  or the registry rejects a field (named in the message)
     * @throws io.microregistry.RegistryException if the backend did not take the write
     */
    public static ServerRegistration register(Registry registry, Server server, Options options) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(options, "options");
        if (server.isShutdown()) {
            throw new IllegalArgumentException("server must be running, but it is shut down");
        }
        InetSocketAddress bound = boundAddress(server);
        String host = options.host != null ? options.host : host(bound);
        String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
        Service.Builder builder = Service.builder(options.serviceName)
                .version(options.version)
                .node(new Node(options.nodeId, address, options.metadata));
        for (String method : methods(server)) {
            builder.endpoint(Endpoint.of(method));
        }
        Service service = builder.build();
        registry.register(service, RegisterOptions.ttl(options.ttl));
        ServerRegistration registration = new ServerRegistration(registry, service);
        Thread watcher = new Thread(() -> {
            try {
                server.awaitTermination();
                registration.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "micro-grpc-registration-" + options.nodeId);
        watcher.setDaemon(true);
        watcher.start();
        LOG.info("registered gRPC server as {} node {} at {} ({} methods)", options.serviceName,
                options.nodeId, address, service.endpoints().size());
        return registration;
    }

    /** What was registered: the service with this server's one node and its endpoints. */
    public Service service() {
        return service;
    }

    /** Deregisters the node. Idempotent; logs and swallows backend trouble (the node then expires with its TTL). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            registry.deregister(service);
            LOG.info("deregistered gRPC server node {} of {}", service.nodes().get(0).id(), service.name());
        } catch (RuntimeException e) {
            LOG.warn("could not deregister gRPC server node {} of {}; it expires with its TTL: {}",
                    service.nodes().get(0).id(), service.name(), e.getMessage());
        }
    }

    /** Full method names of every service the server exports, sorted. */
    static List<String> methods(Server server) {
        TreeSet<String> names = new TreeSet<>();
        for (ServerServiceDefinition definition : server.getServices()) {
            for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
                names.add(method.getMethodDescriptor().getFullMethodName());
            }
        }
        return List.copyOf(names);
    }

    private static InetSocketAddress boundAddress(Server server) {
        List<? extends SocketAddress> sockets;
        try {
            sockets = server.getListenSockets();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("server must be started before it is registered", e);
        }
        for (SocketAddress socket : sockets) {
            if (socket instanceof InetSocketAddress inet && inet.getPort() > 0) {
                return inet;
            }
        }
        throw new IllegalArgumentException("server must listen on an IP socket to be registered, listens on "
                + sockets);
    }

    /** The bound address if the server listens on one; else this machine's first non-loopback IPv4 address. */
    static String host(InetSocketAddress bound) {
        InetAddress address = bound.getAddress();
        if (address != null && !address.isAnyLocalAddress()) {
            return address.getHostAddress();
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress candidate : Collections.list(nic.getInetAddresses())) {
                    if (candidate instanceof Inet4Address && !candidate.isLinkLocalAddress()) {
                        return candidate.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            LOG.debug("could not list network interfaces: {}", e.getMessage());
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    /**
     * How to register a server. Immutable; build with {@link ServerRegistration#options(String)}.
     */
    public static final class Options {
        private final String serviceName;
        private final String version;
        private final String nodeId;
        private final String host;
        private final Map<String, String> metadata;
        private final Duration ttl;

        private Options(Builder b) {
            this.serviceName = b.serviceName;
            this.version = b.version;
            this.nodeId = b.nodeId != null ? b.nodeId : b.serviceName + "-" + UUID.randomUUID();
            this.host = b.host;
            this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
            this.ttl = b.ttl;
        }

        /** Builds {@link Options}; not thread-safe. Field rules are the registry's, checked on register. */
        public static final class Builder {
            private final String serviceName;
            private String version = "latest";
            private String nodeId;
            private String host;
            private final Map<String, String> metadata = new LinkedHashMap<>();
            private Duration ttl = RegisterOptions.DEFAULT_TTL;

            private Builder(String serviceName) {
                this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
            }

            /** The service version (default {@code latest}). */
            public Builder version(String version) {
                this.version = Objects.requireNonNull(version, "version");
                return this;
            }

            /** The node id (default {@code <service>-<random UUID>}). */
            public Builder nodeId(String nodeId) {
                this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
                return this;
            }

            /** The host clients dial (default: the bound address, or this machine's first non-loopback IPv4). */
            public Builder host(String host) {
                this.host = Objects.requireNonNull(host, "host");
                return this;
            }

            /** A node metadata entry, e.g. {@code zone} or {@code weight}. */
            public Builder metadata(String key, String value) {
                metadata.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
                return this;
            }

            /** The registration TTL (default {@link RegisterOptions#DEFAULT_TTL}). */
            public Builder ttl(Duration ttl) {
                this.ttl = Objects.requireNonNull(ttl, "ttl");
                return this;
            }

            public Options build() {
                return new Options(this);
            }
        }
    }
}

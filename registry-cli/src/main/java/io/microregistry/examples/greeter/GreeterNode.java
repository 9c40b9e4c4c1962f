package io.microregistry.examples.greeter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Value;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One greeter instance: an HTTP server answering {@code GET /hello?name=Ada} with
 * {@code Hello, Ada! (from <node id>)}, registered in a {@link Registry} for as long as it runs.
 *
 * <p>The pattern to copy: start serving, <em>then</em> register (so nobody is sent to a port that does not
 * answer yet); on shutdown, deregister <em>first</em>, then stop serving (so callers stop picking this node
 * before it goes away). The registry keeps the registration alive in between and removes it within the TTL
 * if the process dies without closing.
 *
 * <p>Thread-safe. {@link #start} blocks until the registration is durable; {@link #close} blocks until the
 * node is deregistered and the server stopped. Failures: {@link IOException} if the port cannot be opened,
 * {@link io.microregistry.RegistryException} if the registry cannot take the registration (the server is
 * stopped again then).
 */
public final class GreeterNode implements AutoCloseable {
    /** The endpoint every greeter exposes, as go-micro names handler methods. */
    public static final String ENDPOINT = "Greeter.Hello";

    private final Registry registry;
    private final HttpServer server;
    private final Service registration;
    private boolean closed;

    private GreeterNode(Registry registry, HttpServer server, Service registration) {
        this.registry = registry;
        this.server = server;
        this.registration = registration;
    }

    /**
     * Serves on a free loopback port and registers as node {@code nodeId} of {@code service}.
     *
     * @param registry the client to register with; stays open (the caller owns it)
     */
    public static GreeterNode start(Registry registry, String service, String version, String nodeId,
                                    Map<String, String> metadata, RegisterOptions options) throws IOException {
        return start(registry, service, version, nodeId, metadata, options, () -> "Hello");
    }

    /**
     * As {@link #start(Registry, String, String, String, Map, RegisterOptions)}, greeting with whatever
     * {@code greeting} says at the time of each call (for example a value of a live config view).
     */
    public static GreeterNode start(Registry registry, String service, String version, String nodeId,
                                    Map<String, String> metadata, RegisterOptions options,
                                    java.util.function.Supplier<String> greeting) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", exchange -> greet(exchange, nodeId, greeting.get()));
        server.start();
        InetSocketAddress bound = server.getAddress();
        Service registration = Service.builder(service)
                .version(version)
                .endpoint(new Endpoint(ENDPOINT,
                        new Value("HelloRequest", "HelloRequest", List.of(Value.of("name", "string"))),
                        new Value("HelloResponse", "HelloResponse", List.of(Value.of("greeting", "string"))),
                        Map.of("method", "GET", "path", "/hello")))
                .node(new Node(nodeId, bound.getHostString() + ":" + bound.getPort(), metadata))
                .build();
        try {
            registry.register(registration, options);
        } catch (RuntimeException e) {
            server.stop(0);
            throw e;
        }
        return new GreeterNode(registry, server, registration);
    }

    /** The node as registered: its id and {@code host:port}. */
    public Node node() {
        return registration.nodes().get(0);
    }

    /** The registration: service name, version, endpoint and this one node. */
    public Service registration() {
        return registration;
    }

    /**
     * Stops answering at once but stays registered, as a hung or crashed process would until its TTL
     * runs out. For demonstrating how clients route around a dead node; real services call {@link #close()}.
     */
    public synchronized void stopServing() {
        server.stop(0);
    }

    /** Deregisters, then stops serving. Idempotent; deregistration trouble is left to the TTL. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            registry.deregister(registration);
        } finally {
            server.stop(0);
        }
    }

    private static void greet(HttpExchange exchange, String nodeId, String greeting) throws IOException {
        try (exchange) {
            String name = "world";
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("name=")) {
                        name = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                    }
                }
            }
            byte[] body = (greeting + ", " + name + "! (from " + nodeId + ")").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}

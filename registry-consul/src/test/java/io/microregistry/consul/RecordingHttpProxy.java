package io.microregistry.consul;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP forwarder in front of a real agent that records every exchange (path and query,
 * status, body) and how many were in flight at once, and can answer chosen paths with a 500
 * instead of forwarding them or run a step before answering one. Where {@link FreezableProxy}
 * sees bytes on connections, this one sees requests and responses, so a test can tell what a
 * single agent answer carried. For tests; daemon threads, stopped by close().
 */
final class RecordingHttpProxy implements AutoCloseable {
    /** One forwarded exchange. */
    record Exchange(String pathAndQuery, int status, String body) {
    }

    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "date",
            // Bodies are recorded as text: the agent must not gzip them.
            "accept-encoding", "content-encoding");

    private final String target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "http-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(threads).build();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private volatile Predicate<String> failing = path -> false;
    private volatile Predicate<String> hookPath = path -> false;
    private volatile Runnable hook = () -> { };

    RecordingHttpProxy(String targetHostPort) throws IOException {
        this.target = targetHostPort;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::forward);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The exchanges answered so far, in the order they were answered. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Forgets what was recorded so far, peak included. */
    void reset() {
        exchanges.clear();
        peak.set(inFlight.get());
    }

    /** The most requests in flight at once since the last {@link #reset()}. */
    int peakInFlight() {
        return peak.get();
    }

    /** From now on, requests whose decoded path matches are answered 500 without reaching the agent. */
    void failWhere(Predicate<String> path) {
        this.failing = path;
    }

    /** From now on, {@code step} runs after the agent answered a request whose decoded path matches, before the client gets it. */
    void beforeAnswering(Predicate<String> path, Runnable step) {
        this.hook = step;
        this.hookPath = path;
    }

    private void forward(HttpExchange exchange) throws IOException {
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        // Counted out before the client gets the answer: a client that starts its next request as soon as
        // it has one must not be seen with both in flight.
        boolean counted = true;
        try {
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            if (failing.test(path)) {
                exchanges.add(new Exchange(pathAndQuery, 500, "injected failure"));
                inFlight.decrementAndGet();
                counted = false;
                answer(exchange, 500, "injected failure", null);
                return;
            }
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + target + pathAndQuery))
                    .timeout(Duration.ofSeconds(60))
                    .method(exchange.getRequestMethod(), requestBody.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (hookPath.test(path)) {
                hook.run();
            }
            exchanges.add(new Exchange(pathAndQuery, response.statusCode(), response.body()));
            inFlight.decrementAndGet();
            counted = false;
            answer(exchange, response.statusCode(), response.body(), response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body, HttpResponse<String> from)
            throws IOException {
        if (from != null) {
            from.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
        }
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

package io.microregistry.examples.greeter;

import io.microregistry.Node;
import io.microregistry.selector.Filter;
import io.microregistry.selector.Selection;
import io.microregistry.selector.Selector;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls a greeter service through a {@link Selector}: each call asks the selector for a node, calls it over
 * HTTP, and tells the selector how it went ({@link Selection#success()} / {@link Selection#failure()}), so a
 * node that keeps failing is ejected for a while. A failed attempt is retried on the next node the selector
 * picks, up to {@code maxAttempts} in all.
 *
 * <p>Thread-safe (the selector and the JDK HTTP client are). Blocking: each attempt waits at most the
 * given timeout. Failures: {@link GreeterUnavailableException} if every attempt failed;
 * {@link io.microregistry.selector.NoSuchServiceException} if no node is registered at all;
 * {@link io.microregistry.selector.NoEligibleNodeException} if every node is filtered out or ejected.
 */
public final class GreeterClient {
    private final Selector selector;
    private final String service;
    private final Filter filter;
    private final int maxAttempts;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param selector    picks the nodes; the caller owns and closes it
     * @param service     the service to call, e.g. {@code greeter}
     * @param filter      which nodes may be called (e.g. {@code Filter.version("1.0")})
     * @param maxAttempts attempts per call, at least 1
     * @param timeout     deadline of one attempt, connect included
     */
    public GreeterClient(Selector selector, String service, Filter filter, int maxAttempts, Duration timeout) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.selector = selector;
        this.service = service;
        this.filter = filter;
        this.maxAttempts = maxAttempts;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Says hello to one greeter, trying other nodes if the one picked fails. */
    public Greeting hello(String name) throws InterruptedException {
        List<FailedAttempt> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try (Selection selection = selector.acquire(service, filter)) {
                Node node = selection.node();
                try {
                    String message = call(node, name);
                    selection.success();
                    return new Greeting(node, message, failures);
                } catch (IOException e) {
                    selection.failure();
                    failures.add(new FailedAttempt(node, reason(e)));
                }
            }
        }
        throw new GreeterUnavailableException(service, failures);
    }

    private String call(Node node, String name) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + node.address() + "/hello?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String reason(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

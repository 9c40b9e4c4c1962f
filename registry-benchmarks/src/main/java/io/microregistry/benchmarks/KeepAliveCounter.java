package io.microregistry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts, on the server, the keep-alive requests it receives during a window: read from the
 * server's own counters, so nothing sits between the client and the server.
 *
 * <ul>
 *   <li><b>etcd</b>: {@code grpc_server_msg_received_total{grpc_method="LeaseKeepAlive"}} of etcd's
 *   Prometheus {@code /metrics} on the client URL (summed over label sets), read before and after
 *   the window: one lease keep-alive message each.</li>
 *   <li><b>Consul</b>: the agent's own telemetry, {@code /v1/agent/metrics}: the sample counts of
 *   {@code consul.http.PUT.v1.agent.check.pass._} (what the client's check keeper sends),
 *   {@code ...check.update._} and {@code ...agent.service.register} (a keep-alive step that
 *   registers a lost check again). The agent keeps them per 10 s interval of the wall clock and
 *   shows the last complete one, so the window is whole intervals starting at the next
 *   boundary, each interval read once it has completed.</li>
 *   <li><b>ZooKeeper</b>: the in-process server's {@code ServerStats} packets received, through
 *   its JMX bean ({@code org.apache.ZooKeeperService:name0=StandaloneServer_port<port>}, attribute
 *   {@code PacketsReceived}), before and after the window: every request of every session; with
 *   the nodes registered beforehand and nobody reading or watching, these are the sessions'
 *   pings.</li>
 * </ul>
 *
 * <p>Metric names as served by the binaries the build fetches (etcd 3.5.16, Consul 1.8.7). Each
 * {@link #count} blocks for the window. Not thread-safe; one count at a time.
 */
final class KeepAliveCounter {

    /** Consul's in-memory telemetry interval (its default). */
    static final Duration CONSUL_INTERVAL = Duration.ofSeconds(10);
    /** The Consul samples counted: what the client's check keeper sends to keep a node alive. */
    private static final List<String> CONSUL_SAMPLES = List.of("consul.http.PUT.v1.agent.check.pass._",
            "consul.http.PUT.v1.agent.check.update._", "consul.http.PUT.v1.agent.service.register");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Requests counted and the window they were counted over. */
    record Count(long requests, Duration window) {
    }

    /** Counts over a window, blocking for it. */
    private interface Window {
        Count count(Duration window) throws IOException, InterruptedException;
    }

    /** A server counter that only grows. */
    private interface Reading {
        long read() throws IOException, InterruptedException;
    }

    private final Window window;
    private final String request;

    private KeepAliveCounter(Window window, String request) {
        this.window = window;
        this.request = request;
    }

    /** The counter for a backend by provider name and server address; null where there is no server (memory). */
    static KeepAliveCounter of(String backend, String address) {
        if (address == null) {
            return null;
        }
        String first = address.split(",")[0].trim();
        String url = first.contains("://") ? first : "http://" + first;
        return switch (backend) {
            case "etcd" -> new KeepAliveCounter(w -> cumulative(() -> etcdLeaseKeepAlives(url), w),
                    "lease keep-alive message (`LeaseKeepAlive`), one lease per TTL class");
            case "consul" -> new KeepAliveCounter(w -> consulChecks(url, w),
                    "TTL check pass (`PUT /v1/agent/check/pass/`), one check per node");
            case "zookeeper" -> {
                int port = ScaleRun.port(first);
                yield new KeepAliveCounter(w -> cumulative(() -> zookeeperPackets(port), w),
                        "session ping (packet received), one session per TTL class + the main one");
            }
            default -> throw new IllegalArgumentException("no keep-alive counter for backend '" + backend + "'");
        };
    }

    /**
     * Counts the keep-alive requests the server receives during about {@code window} from now
     * (on Consul: whole 10 s intervals from the next boundary); blocks for it.
     */
    Count count(Duration window) throws IOException, InterruptedException {
        return this.window.count(window);
    }

    /** What one counted request is, for the report. */
    String request() {
        return request;
    }

    private static Count cumulative(Reading reading, Duration window) throws IOException, InterruptedException {
        long before = reading.read();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        long after = reading.read();
        return new Count(after - before, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Consul's per-interval samples: whole intervals of the wall clock from the next boundary, each
     * read while the agent shows it (from its end until the next one ends), polled every second.
     */
    private static Count consulChecks(String base, Duration window) throws IOException, InterruptedException {
        long intervalMs = CONSUL_INTERVAL.toMillis();
        int intervals = (int) Math.max(1, (window.toMillis() + intervalMs - 1) / intervalMs);
        long first = (System.currentTimeMillis() / intervalMs + 1) * intervalMs;
        Set<Long> wanted = new HashSet<>();
        for (int i = 0; i < intervals; i++) {
            wanted.add(first + i * intervalMs);
        }
        long deadline = first + (intervals + 2) * intervalMs;
        Map<Long, Long> counted = new HashMap<>();
        sleepUntil(first + intervalMs + 500);
        while (!counted.keySet().containsAll(wanted)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Consul's /v1/agent/metrics did not show the intervals starting at "
                        + wanted + " (saw " + counted.keySet() + ")");
            }
            JsonNode metrics = JSON.readTree(get(base + "/v1/agent/metrics"));
            long shown = intervalStart(metrics.path("Timestamp").asText());
            if (wanted.contains(shown)) {
                long sum = 0;
                for (JsonNode sample : metrics.path("Samples")) {
                    if (CONSUL_SAMPLES.contains(sample.path("Name").asText())) {
                        sum += sample.path("Count").asLong();
                    }
                }
                counted.put(shown, sum);
            }
            Thread.sleep(1000);
        }
        return new Count(counted.values().stream().mapToLong(Long::longValue).sum(),
                CONSUL_INTERVAL.multipliedBy(intervals));
    }

    /** Go's {@code time.String()} of an interval start, e.g. {@code 2026-12-02 11:24:40 +0000 UTC}, in epoch ms. */
    static long intervalStart(String timestamp) {
        if (timestamp.length() < 19 || !timestamp.contains("+0000")) {
            throw new IllegalStateException("unexpected Consul metrics timestamp '" + timestamp + "'");
        }
        return LocalDateTime.parse(timestamp.substring(0, 19).replace(' ', 'T')).toInstant(ZoneOffset.UTC)
                .toEpochMilli();
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long wait = epochMillis - Instant.now().toEpochMilli();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** etcd's count of lease keep-alive messages received, summed over label sets. */
    private static long etcdLeaseKeepAlives(String base) throws IOException, InterruptedException {
        double total = 0;
        boolean found = false;
        for (String line : get(base + "/metrics").split("\n")) {
            if (line.startsWith("grpc_server_msg_received_total{") && line.contains("grpc_method=\"LeaseKeepAlive\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("etcd's " + base + "/metrics has no LeaseKeepAlive message counter");
        }
        return Math.round(total);
    }

    /** The in-process ZooKeeper server's packets received, from its JMX bean. */
    private static long zookeeperPackets(int port) {
        try {
            ObjectName name = new ObjectName("org.apache.ZooKeeperService:name0=StandaloneServer_port" + port);
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "PacketsReceived"))
                    .longValue();
        } catch (JMException e) {
            throw new IllegalStateException("no in-process ZooKeeper server bean for port " + port
                    + " (the server must run in this JVM)", e);
        }
    }
}

package io.microregistry.benchmarks;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What keeping N nodes alive costs the backend, counted (not timed): the keep-alive requests
 * per second that one client sends to the server while it keeps N nodes of one TTL alive and
 * does nothing else.
 *
 * <p>For each N, a fresh client registers N nodes (services of at most {@link #NODES_PER_SERVICE}
 * nodes, one {@code register} call per service) with TTL {@code ttl}, waits one TTL for the
 * keep-alive to reach its steady state, then the server's own counter of keep-alive requests
 * is read over a window of {@link #WINDOW_TTLS} TTLs (see {@link KeepAliveCounter}: etcd's
 * {@code LeaseKeepAlive} messages, Consul's TTL check passes, ZooKeeper's packets received)
 * and divided by the window. Nobody reads or watches during the window. After it, the client
 * must still see all N nodes, or the row is marked failed: keep-alive traffic that does not keep
 * the nodes alive is not a result. The client then closes (deregistering its nodes) before the
 * next N. Memory has no server and nothing to keep alive: its rows carry no count.
 *
 * <p>Not thread-safe; one run at a time.
 */
final class KeepAliveRun {

    /** The TTL of the report: 10 s, so a window of 3 TTLs is exactly 3 of Consul's 10 s metric intervals. */
    static final Duration TTL = Duration.ofSeconds(10);
    static final int WINDOW_TTLS = 3;
    static final int NODES_PER_SERVICE = 100;
    private static final int COLUMNS = 100;

    private KeepAliveRun() {
    }

    /**
     * One measured point: {@code requests} counted over {@code window}; {@code requests} is -1
     * where there is nothing to count (memory) or the step failed before the count.
     */
    record Row(String backend, int nodes, long requests, Duration window, String request, String failure) {

        double perSecond() {
            return requests * 1000.0 / Math.max(1, window.toMillis());
        }
    }

    static List<Row> measure(BackendUnderTest backend, List<Integer> counts) {
        return measure(backend, counts, TTL);
    }

    static List<Row> measure(BackendUnderTest backend, List<Integer> counts, Duration ttl) {
        KeepAliveCounter counter = KeepAliveCounter.of(backend.name(), backend.address());
        List<Row> rows = new ArrayList<>();
        for (int n : counts) {
            if (counter == null) {
                rows.add(new Row(backend.name(), n, -1, Duration.ZERO, "none (in-process)", null));
                continue;
            }
            rows.add(measure(backend, counter, n, ttl));
        }
        return rows;
    }

    private static Row measure(BackendUnderTest backend, KeepAliveCounter counter, int n, Duration ttl) {
        long requests = -1;
        Duration window = Duration.ZERO;
        String failure = null;
        try (Registry client = backend.open()) {
            List<String> names = new ArrayList<>();
            for (int s = 0; s * NODES_PER_SERVICE < n; s++) {
                String name = String.format(Locale.ROOT, "keepalive-%d-%03d", n, s);
                List<Node> nodes = new ArrayList<>();
                for (int i = s * NODES_PER_SERVICE; i < Math.min(n, (s + 1) * NODES_PER_SERVICE); i++) {
                    nodes.add(new Node("node-" + i, "10.2." + (i >> 8 & 255) + "." + (i & 255) + ":8080",
                            Map.of("zone", "zone-" + i % 3)));
                }
                register(client, Service.builder(name).version("1.0").build().withNodes(nodes), ttl);
                names.add(name);
            }
            Thread.sleep(ttl.toMillis());
            KeepAliveCounter.Count count = counter.count(ttl.multipliedBy(WINDOW_TTLS));
            requests = count.requests();
            window = count.window();
            int alive = 0;
            for (String name : names) {
                alive += client.getService(name).stream().mapToInt(v -> v.nodes().size()).sum();
            }
            if (alive != n) {
                failure = alive + " of " + n + " nodes alive after the window";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (Exception e) {
            failure = e.toString();
        }
        return new Row(backend.name(), n, requests, window, counter.request(), failure);
    }

    /** Set-up, not measured: a registration that timed out on a loaded machine is tried again. */
    private static void register(Registry client, Service service, Duration ttl) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.register(service, RegisterOptions.ttl(ttl));
                return;
            } catch (RegistryUnavailableException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The "Keep-alive" section of docs/benchmarks.md, with its "Reading it" paragraph. */
    static String render(List<Row> rows, List<Integer> counts, Duration ttl, String command) {
        StringBuilder out = new StringBuilder("## Keep-alive\n\n")
                .append("Keep-alive requests per second that one client sends to the server while it keeps N nodes\n")
                .append("alive (TTL ").append(ttl.toSeconds()).append(" s, services of up to ").append(NODES_PER_SERVICE)
                .append(" nodes, one `register` call each), counted, not timed:\n")
                .append("after one TTL of settling, the server's own counter is read over a window of ")
                .append(WINDOW_TTLS).append(" TTLs and\n")
                .append("divided by it (etcd: `grpc_server_msg_received_total{grpc_method=\"LeaseKeepAlive\"}` of its\n")
                .append("`/metrics`; Consul: the agent's `/v1/agent/metrics` samples of `PUT /v1/agent/check/pass/`, over\n")
                .append("whole 10 s intervals; ZooKeeper: the in-process server's packets received). Nobody reads or\n")
                .append("watches meanwhile, and every node must still be alive after the window. In brackets: the\n")
                .append("requests counted. Generated by `").append(command).append("`.\n\n")
                .append("| backend |");
        for (int n : counts) {
            out.append(" keep-alive requests/s @").append(n).append(" |");
        }
        out.append(" what one request is |\n|---|").append("---:|".repeat(counts.size())).append("---|\n");
        List<String> failures = new ArrayList<>();
        for (String backend : rows.stream().map(Row::backend).distinct().toList()) {
            out.append("| ").append(backend).append(" |");
            String request = "";
            for (int n : counts) {
                Row row = find(rows, backend, n);
                if (row == null) {
                    out.append(" |");
                    continue;
                }
                request = row.request();
                String mark = row.failure() == null ? "" : " ✗";
                out.append(' ').append(row.requests() < 0 ? "–" : String.format(Locale.ROOT, "%.2f (%d)",
                        row.perSecond(), row.requests())).append(mark).append(" |");
                if (row.failure() != null) {
                    failures.add(backend + ", N=" + n + ": " + row.failure());
                }
            }
            out.append(' ').append(request).append(" |\n");
        }
        if (!failures.isEmpty()) {
            out.append("\n✗ failed:\n\n");
            failures.forEach(f -> out.append("- ").append(f.replace("|", "\\|")).append('\n'));
        }
        out.append('\n').append(reading(rows, counts, ttl)).append('\n');
        return out.toString();
    }

    /**
     * "Reading it", from the numbers: each backend is called flat or growing by its rates at the
     * smallest and the largest N, and given the mechanism that explains it.
     */
    private static String reading(List<Row> rows, List<Integer> counts, Duration ttl) {
        int low = counts.get(0);
        int high = counts.get(counts.size() - 1);
        List<String> flat = new ArrayList<>();
        List<String> growing = new ArrayList<>();
        for (String backend : rows.stream().map(Row::backend).distinct().toList()) {
            Row a = find(rows, backend, low);
            Row b = find(rows, backend, high);
            if (a == null || b == null || a.requests() < 0 || b.requests() < 0) {
                continue;
            }
            String range = String.format(Locale.ROOT, "%s %.2f → %.2f/s (%s)", backend, a.perSecond(),
                    b.perSecond(), mechanism(backend));
            // Flat: the largest N costs at most a fifth more than the smallest, plus one request per window.
            double slack = 1000.0 / Math.max(1, b.window().toMillis());
            (b.perSecond() <= a.perSecond() * 1.2 + slack ? flat : growing).add(range);
        }
        if (flat.isEmpty() && growing.isEmpty()) {
            return "Reading it: nothing was counted.\n";
        }
        StringBuilder out = new StringBuilder("Reading it: from ").append(low).append(" to ").append(high)
                .append(" nodes kept alive by one client,");
        if (!flat.isEmpty()) {
            out.append(" the keep-alive traffic stays flat on ").append(String.join(" and ", flat))
                    .append(": it does not depend on the nodes that ride on it");
        }
        if (!growing.isEmpty()) {
            out.append(flat.isEmpty() ? "" : ";").append(" it grows with the nodes on ")
                    .append(String.join(" and ", growing));
        }
        out.append('.');
        if (growing.stream().anyMatch(g -> g.startsWith("consul "))) {
            out.append(String.format(Locale.ROOT, " On Consul that is 3N/TTL, %.0f requests/s at %d nodes with"
                    + " TTL %d s, all on the local agent: a known, documented limitation (README, Consul: \"Keep-alive"
                    + " is one TTL pass per node every TTL/3\"; one heartbeat per client through alias checks was"
                    + " measured and left out, `tools/consul-alias-probe.sh`).", 3.0 * high / ttl.toSeconds(), high,
                    ttl.toSeconds()));
        }
        return wrap(out.toString()) + "\n";
    }

    /** {@code text} broken at spaces into lines of at most {@value #COLUMNS} characters, as the rest of the file. */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() > lineStart && out.length() - lineStart + 1 + word.length() > COLUMNS) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }

    /** What drives a backend's keep-alive traffic. */
    private static String mechanism(String backend) {
        return switch (backend) {
            case "etcd" -> "one lease per TTL class per client, kept alive every TTL/3";
            case "zookeeper" -> "one session per TTL class per client, plus the client's main session, each"
                    + " pinged every third of its timeout";
            case "consul" -> "one TTL check per node, passed every TTL/3";
            default -> backend;
        };
    }

    private static Row find(List<Row> rows, String backend, int n) {
        return rows.stream().filter(r -> r.backend().equals(backend) && r.nodes() == n).findFirst().orElse(null);
    }
}

package io.microregistry.benchmarks;

import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import io.microregistry.cache.CachingRegistry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What following N services costs one client, counted (not timed): the threads it starts and
 * the TCP connections it holds to the backend, for a client whose cache follows every one of N
 * registered services.
 *
 * <p><b>Before</b> is the previous cache's mechanism, reproduced here side by side: one
 * {@link Registry#watch watch} and one daemon thread draining it per followed service, after a
 * read of the service (exactly what {@code CachedService} did per service until the push hub).
 * <b>After</b> is today's {@link CachingRegistry}: one subscription to every service, shared.
 * Each side opens a fresh client, so the counts include the client's own threads and
 * connections, and are deltas from just before that client was opened.
 *
 * <p>Connections are read from {@code /proc/self/net/tcp} and {@code tcp6}: sockets of this
 * process in state ESTABLISHED whose remote port is the server's. On a backend without a server
 * (memory) or off Linux, connections are not counted. Not thread-safe; one run at a time.
 */
final class ScaleRun {

    private static final Duration SETTLE = Duration.ofSeconds(30);

    private ScaleRun() {
    }

    /** One measured point. */
    record Row(String backend, int services, String side, int threads, int connections, String failure) {
    }

    static List<Row> measure(BackendUnderTest backend, List<Integer> counts) throws Exception {
        List<Row> rows = new ArrayList<>();
        // The harness's own threads before any side ran, plus slack for the JVM's.
        int baselineThreads = threadCount() + 20;
        int port = port(backend.address());
        for (int n : counts) {
            List<String> names = new ArrayList<>();
            try (Registry publisher = backend.open()) {
                for (int i = 0; i < n; i++) {
                    String name = String.format(Locale.ROOT, "scale-%05d", i);
                    register(publisher, Service.builder(name).version("1.0").node("node-" + i, "10.1.0.1:" + (1000 + i)).build());
                    names.add(name);
                }
                // After first: the previous mechanism's leftovers (closing sockets, ending threads) must not
                // land on the side measured after it; each side also waits for them before it starts.
                Row after = after(backend, names, port, baselineThreads);
                Row before = before(backend, names, port, baselineThreads);
                rows.add(before);
                rows.add(after);
            }
        }
        return rows;
    }

    /** Setup, not measured: a registration that timed out on a loaded machine is tried again. */
    private static void register(Registry publisher, Service service) {
        for (int attempt = 1; ; attempt++) {
            try {
                publisher.register(service);
                return;
            } catch (io.microregistry.RegistryUnavailableException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** The previous cache: a watch and a thread per service. */
    private static Row before(BackendUnderTest backend, List<String> names, int port, int baselineThreads) {
        settle(port, baselineThreads);
        java.util.Set<Long> threads0 = threadIds();
        java.util.Set<String> connections0 = sockets(port);
        Registry client = backend.open();
        List<Watcher> watchers = new ArrayList<>();
        List<Thread> drains = new ArrayList<>();
        String failure = null;
        try {
            for (String name : names) {
                Watcher watcher = client.watch(WatchOptions.service(name));
                watchers.add(watcher);
                client.getService(name);
                Thread drain = new Thread(() -> drain(watcher), "scale-before-" + name);
                drain.setDaemon(true);
                drain.start();
                drains.add(drain);
            }
        } catch (RuntimeException e) {
            failure = "failed after " + watchers.size() + " services: " + e;
        }
        int threads = newThreads(threads0);
        int connections = newSockets(port, connections0);
        watchers.forEach(Watcher::stop);
        client.close();
        for (Thread drain : drains) {
            try {
                drain.join(SETTLE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new Row(backend.name(), names.size(), "before: watch + thread per service", threads,
                port < 0 ? -1 : connections, failure);
    }

    private static void drain(Watcher watcher) {
        try {
            while (true) {
                WatchEvent ignored = watcher.next();
            }
        } catch (WatcherStoppedException | InterruptedException stopped) {
            // Done.
        }
    }

    /** Today's cache: one subscription to every service. */
    private static Row after(BackendUnderTest backend, List<String> names, int port, int baselineThreads) {
        settle(port, baselineThreads);
        java.util.Set<Long> threads0 = threadIds();
        java.util.Set<String> connections0 = sockets(port);
        CachingRegistry cache = CachingRegistry.wrap(backend.open());
        String failure = null;
        int followed = 0;
        try {
            for (String name : names) {
                if (cache.getService(name).isEmpty()) {
                    throw new IllegalStateException("service " + name + " not found in the cache");
                }
                followed++;
            }
        } catch (RuntimeException e) {
            failure = "failed after " + followed + " services: " + e;
        }
        int threads = newThreads(threads0);
        int connections = newSockets(port, connections0);
        cache.close();
        return new Row(backend.name(), names.size(), "after: one shared subscription", threads,
                port < 0 ? -1 : connections, failure);
    }

    private static java.util.Set<Long> threadIds() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }

    /** Live threads started since {@code before} was taken: a closed side's ending threads do not count. */
    private static int newThreads(java.util.Set<Long> before) {
        int count = 0;
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) {
            if (!before.contains(id)) {
                count++;
            }
        }
        return count;
    }

    private static int newSockets(int port, java.util.Set<String> before) {
        if (port < 0) {
            return -1;
        }
        java.util.Set<String> now = sockets(port);
        now.removeAll(before);
        return now.size();
    }

    /**
     * Waits (bounded) until the previous side's sockets to the server have closed and its threads
     * ended, so that a server's per-client connection limit (Consul: 200) counts only this side.
     */
    private static void settle(int port, int baselineThreads) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline && (connections(port) > 2 || threadCount() > baselineThreads)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static int port(String address) {
        if (address == null) {
            return -1;
        }
        String first = address.split(",")[0];
        int colon = first.lastIndexOf(':');
        return Integer.parseInt(first.substring(colon + 1).replaceAll("[^0-9]", ""));
    }

    /** ESTABLISHED sockets of this process to {@code port}; -1 if not countable. */
    static int connections(int port) {
        return port < 0 ? -1 : sockets(port).size();
    }

    /** Local endpoints of this process's ESTABLISHED sockets to {@code port}. */
    private static java.util.Set<String> sockets(int port) {
        java.util.Set<String> found = new java.util.HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(path)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 4 || !f[2].contains(":")) {
                        continue;
                    }
                    int remotePort = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                    if (remotePort == port && f[3].equals("01")) {
                        found.add(table + " " + f[1]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return found;
            }
        }
        return found;
    }

    /** The "Scale" section of docs/benchmarks.md. */
    static String render(List<Row> rows, List<Integer> counts, String command) {
        StringBuilder out = new StringBuilder();
        out.append("## Scale\n\n")
                .append("Threads started and TCP connections held by one client whose cache follows every one of N\n")
                .append("registered services (one node each), counted, not timed. *Before* reproduces the previous\n")
                .append("cache's mechanism side by side (one watch and one thread per followed service); *after* is\n")
                .append("`CachingRegistry` today (one subscription to every service, shared per client). Counts are\n")
                .append("deltas from just before the client was opened, so they include the client's own threads\n")
                .append("and connections. Connections: ESTABLISHED sockets to the server port (`/proc/self/net/tcp`);\n")
                .append("\"–\" where there is no server. Generated by `").append(command).append("`.\n\n")
                .append("| backend | side |");
        for (int n : counts) {
            out.append(" threads @").append(n).append(" |");
        }
        for (int n : counts) {
            out.append(" connections @").append(n).append(" |");
        }
        out.append("\n|---|---|");
        out.append("---:|".repeat(counts.size() * 2)).append('\n');
        List<String> failures = new ArrayList<>();
        for (String backend : rows.stream().map(Row::backend).distinct().toList()) {
            for (String side : rows.stream().map(Row::side).distinct().toList()) {
                out.append("| ").append(backend).append(" | ").append(side).append(" |");
                StringBuilder connections = new StringBuilder();
                for (int n : counts) {
                    Row row = rows.stream().filter(r -> r.backend().equals(backend) && r.side().equals(side)
                            && r.services() == n).findFirst().orElse(null);
                    if (row == null) {
                        out.append(" |");
                        connections.append(" |");
                        continue;
                    }
                    String mark = row.failure() == null ? "" : " ✗";
                    out.append(' ').append(row.threads()).append(mark).append(" |");
                    connections.append(' ').append(row.connections() < 0 ? "–" : String.valueOf(row.connections()))
                            .append(mark).append(" |");
                    if (row.failure() != null) {
                        failures.add(backend + ", " + side + ", N=" + n + ": " + row.failure());
                    }
                }
                out.append(connections).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            out.append("\n✗ the side failed before following every service:\n\n");
            failures.forEach(f -> out.append("- ").append(f.replace("|", "\\|")).append('\n'));
        }
        out.append('\n')
                .append("Reading it: *after* must not grow with N, *before* grows one thread per service. The backend's\n")
                .append("watch pushes into the client's one shared view on the client library's own threads, so the\n")
                .append("*after* threads are the client's own (jetcd's and Curator's executors, the Consul client's\n")
                .append("catalog feed and HTTP pool), none per followed service and none per prefix. Connections are\n")
                .append("constant on every backend: jetcd and Curator multiplex every watch over one connection, and the\n")
                .append("Consul client follows every service through one blocking query (`ConsulFeed`); its cache's first\n")
                .append("whole-registry read adds up to 4 connections and a few threads of the client's pool (at most 4\n")
                .append("health reads in flight), which stay a while when idle: how many are still alive varies with\n")
                .append("timing, not with N.\n");
        return out.append('\n').toString();
    }
}

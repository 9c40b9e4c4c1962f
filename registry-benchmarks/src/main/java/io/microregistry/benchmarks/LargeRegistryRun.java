package io.microregistry.benchmarks;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.cache.CachingRegistry;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A large registry on one backend: N nodes of about 1 KB (100 nodes per service, written by
 * {@link #PUBLISHERS} clients as a fleet would), then what a gateway pays to read and follow all
 * of it: a {@code listServices} of everything, a cache following every service, the heap that
 * cache holds per node, and how long a burst of 1,000 new nodes takes to reach it.
 *
 * <p>Sizes (nodes listed, nodes cached, bytes of heap) are counts; times are from this machine
 * and only comparable within one run. A step that fails is recorded, not retried, except the
 * set-up registrations (tried again on a timeout of a loaded machine). Not thread-safe.
 */
final class LargeRegistryRun {

    static final int PUBLISHERS = 10;
    static final int NODES_PER_SERVICE = 100;
    static final int BURST = 1000;
    /** Long enough that keeping N nodes alive is not what is measured. */
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration BOUND = Duration.ofMinutes(5);

    private LargeRegistryRun() {
    }

    /** One backend's result; times in milliseconds, -1 where the step did not complete. */
    record Result(String backend, int nodes, long registerMillis, long listMillis, int listedNodes,
                  long cacheLoadMillis, int cachedNodes, long heapBytesPerNode, long burstMillis, String failure) {
    }

    static Result measure(BackendUnderTest backend, int nodes) {
        int services = Math.max(1, nodes / NODES_PER_SERVICE);
        List<Registry> publishers = new ArrayList<>();
        long registerMillis = -1;
        long listMillis = -1;
        int listed = 0;
        long cacheLoadMillis = -1;
        int cached = 0;
        long heapPerNode = -1;
        long burstMillis = -1;
        String failure = null;
        CachingRegistry cache = null;
        try {
            for (int p = 0; p < PUBLISHERS; p++) {
                publishers.add(backend.open());
            }
            long t0 = System.nanoTime();
            for (int s = 0; s < services; s++) {
                if (System.nanoTime() - t0 > BOUND.toNanos()) {
                    throw new IllegalStateException("registered only " + s * NODES_PER_SERVICE + " of "
                            + services * NODES_PER_SERVICE + " nodes within " + BOUND);
                }
                register(publishers.get(s % PUBLISHERS), service(s));
            }
            registerMillis = millisSince(t0);

            Registry reader = publishers.get(0);
            List<Long> lists = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                listed = reader.listServices().stream().mapToInt(v -> v.nodes().size()).sum();
                lists.add(millisSince(t));
            }
            Collections.sort(lists);
            listMillis = lists.get(1);

            long heapBefore = usedHeapAfterGc();
            long t1 = System.nanoTime();
            cache = CachingRegistry.wrap(backend.open());
            long deadline = System.nanoTime() + BOUND.toNanos();
            while ((cached = cachedNodes(cache, services)) < services * NODES_PER_SERVICE
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            cacheLoadMillis = cached < services * NODES_PER_SERVICE ? -1 : millisSince(t1);
            heapPerNode = (usedHeapAfterGc() - heapBefore) / Math.max(1, cached);

            Service burst = Service.builder("large-burst").version("1.0").build();
            List<Node> burstNodes = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                burstNodes.add(node("burst-" + i, i));
            }
            long t2 = System.nanoTime();
            register(publishers.get(0), burst.withNodes(burstNodes));
            long burstDeadline = System.nanoTime() + BOUND.toNanos();
            while (cache.getService("large-burst").stream().mapToInt(v -> v.nodes().size()).sum() < BURST
                    && System.nanoTime() < burstDeadline) {
                Thread.sleep(5);
            }
            if (cache.getService("large-burst").stream().mapToInt(v -> v.nodes().size()).sum() >= BURST) {
                burstMillis = millisSince(t2);
            } else {
                failure = "the 1,000-node burst did not reach the cache within " + BOUND;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (RuntimeException e) {
            failure = e.toString();
        } finally {
            if (cache != null) {
                cache.close();
            }
            publishers.forEach(Registry::close);
        }
        return new Result(backend.name(), services * NODES_PER_SERVICE, registerMillis, listMillis, listed,
                cacheLoadMillis, cached, heapPerNode, burstMillis, failure);
    }

    private static int cachedNodes(CachingRegistry cache, int services) {
        int count = 0;
        for (int s = 0; s < services; s++) {
            count += cache.getService(name(s)).stream().mapToInt(v -> v.nodes().size()).sum();
        }
        return count;
    }

    private static Service service(int index) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < NODES_PER_SERVICE; i++) {
            nodes.add(node("node-" + i, index * NODES_PER_SERVICE + i));
        }
        return Service.builder(name(index)).version("1.0").build().withNodes(nodes);
    }

    /** A node whose record is about 1 KB of go-micro JSON. */
    private static Node node(String id, int index) {
        return new Node(id, "10." + (index >> 16 & 255) + "." + (index >> 8 & 255) + "." + (index & 255) + ":8080",
                Map.of("zone", "zone-" + index % 3, "build", "x".repeat(880)));
    }

    private static String name(int index) {
        return String.format(Locale.ROOT, "large-%03d", index);
    }

    /** Set-up, not measured: a registration that timed out on a loaded machine is tried again. */
    private static void register(Registry publisher, Service service) {
        for (int attempt = 1; ; attempt++) {
            try {
                publisher.register(service, RegisterOptions.ttl(TTL));
                return;
            } catch (RegistryUnavailableException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The "Large registry" section of docs/benchmarks.md. */
    static String render(List<Result> results, String command) {
        StringBuilder out = new StringBuilder("## Large registry\n\n")
                .append("N nodes of about 1 KB each (").append(NODES_PER_SERVICE).append(" per service, written by ")
                .append(PUBLISHERS).append(" clients, TTL ").append(TTL.toSeconds()).append(" s), then one\n")
                .append("client reads and follows all of it: `listServices` (median of 3), a cache following\n")
                .append("every service (time until it holds every node; heap it holds per node, measured after GC,\n")
                .append("client included), and a burst of ").append(BURST).append(" new nodes in one `register` call until\n")
                .append("the cache holds them all (call included). Sizes are counts; times are this machine's, on\n")
                .append("a shared 2-core box, comparable within the run only. Generated by `").append(command)
                .append("`.\n\n")
                .append("| backend | nodes | register all (ms) | listServices (ms) | nodes listed | cache load (ms)"
                        + " | nodes cached | heap per cached node (bytes) | 1,000-node burst to cache (ms) |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<String> failures = new ArrayList<>();
        for (Result r : results) {
            String mark = r.failure() == null ? "" : " ✗";
            out.append("| ").append(r.backend()).append(mark).append(" | ").append(r.nodes()).append(" | ")
                    .append(value(r.registerMillis())).append(" | ").append(value(r.listMillis())).append(" | ")
                    .append(r.listedNodes()).append(" | ").append(value(r.cacheLoadMillis())).append(" | ")
                    .append(r.cachedNodes()).append(" | ").append(value(r.heapBytesPerNode())).append(" | ")
                    .append(value(r.burstMillis())).append(" |\n");
            if (r.failure() != null) {
                failures.add(r.backend() + ": " + r.failure());
            }
        }
        if (!failures.isEmpty()) {
            out.append("\n✗ failed:\n\n");
            failures.forEach(f -> out.append("- ").append(f.replace("|", "\\|")).append('\n'));
        }
        return out.append('\n').toString();
    }

    private static String value(long v) {
        return v < 0 ? "–" : String.format(Locale.ROOT, "%,d", v);
    }
}

package io.microregistry.benchmarks;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import io.microregistry.cache.CachingRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Propagation: one client registers a node; how long until a watcher on another client sees it,
 * and (in a second pass, on fresh clients) until another client's cache serves it. Timed from just
 * before the register call, per registration, one at a time. The raw client does the same with its
 * own write and its own watch.
 *
 * <p>The watch side is timed by the thread that receives the event; the cache side by a loop that
 * reads the cache and yields the processor between reads, so it costs a few microseconds of
 * resolution (and keeps one core busy while it waits).
 */
final class PropagationRun {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** Watch and cache latencies of the registry, and the raw client's watch latency (null if none). */
    record Result(String backend, Latencies watch, Latencies cache, Latencies raw, String rawDescription) {
    }

    private PropagationRun() {
    }

    static Result measure(BackendUnderTest backend, int warmup, int samples) throws Exception {
        Latencies[] ours = registry(backend, warmup, samples);
        Latencies raw = null;
        try (RawClient writer = backend.raw(); RawClient reader = backend.raw()) {
            if (writer != null) {
                raw = raw(writer, reader, warmup, samples);
            }
        }
        return new Result(backend.name(), ours[0], ours[1], raw, backend.rawDescription());
    }

    private static Latencies[] registry(BackendUnderTest backend, int warmup, int samples) throws Exception {
        // Two passes, so that neither observer pays for the other's watch on the same client.
        return new Latencies[] {watcher(backend, warmup, samples), cache(backend, warmup, samples)};
    }

    private static Latencies watcher(BackendUnderTest backend, int warmup, int samples) throws Exception {
        String service = "bench-propagation-watch";
        long[] nanos = new long[samples];
        Map<String, Long> seen = new ConcurrentHashMap<>();
        try (Registry publisher = backend.open(); Registry observer = backend.open()) {
            Watcher watcher = observer.watch(WatchOptions.service(service));
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        WatchEvent event = watcher.next();
                        if (event.type() == WatchEvent.Type.CREATE) {
                            seen.putIfAbsent(event.node().id(), System.nanoTime());
                        }
                    }
                } catch (WatcherStoppedException | InterruptedException e) {
                    // done
                }
            }, "bench-watch-reader");
            reader.setDaemon(true);
            reader.start();
            for (int i = -warmup; i < samples; i++) {
                String id = "node-" + (i + warmup);
                long start = System.nanoTime();
                publisher.register(record(service, id, i + warmup), RegisterOptions.ttl(TTL));
                long watched = awaitSeen(seen, id, start);
                if (i >= 0) {
                    nanos[i] = watched - start;
                }
            }
            watcher.stop();
            reader.join(TimeUnit.SECONDS.toMillis(5));
        }
        return Latencies.ofNanos(nanos);
    }

    private static Latencies cache(BackendUnderTest backend, int warmup, int samples) throws Exception {
        String service = "bench-propagation-cache";
        long[] nanos = new long[samples];
        try (Registry publisher = backend.open(); Registry observer = backend.open();
             CachingRegistry cache = CachingRegistry.view(observer)) {
            cache.getService(service);
            for (int i = -warmup; i < samples; i++) {
                String id = "node-" + (i + warmup);
                long start = System.nanoTime();
                publisher.register(record(service, id, i + warmup), RegisterOptions.ttl(TTL));
                long cached = awaitCached(cache, service, id, start);
                if (i >= 0) {
                    nanos[i] = cached - start;
                }
            }
        }
        return Latencies.ofNanos(nanos);
    }

    private static Service record(String service, String id, int n) {
        return Service.builder(service).version("1.0")
                .node(new Node(id, "10.1.0.1:" + (20000 + n), Map.of("weight", "1"))).build();
    }

    private static Latencies raw(RawClient writer, RawClient reader, int warmup, int samples) throws Exception {
        String service = "bench-propagation-raw";
        long[] nanos = new long[samples];
        Map<String, Long> seen = new ConcurrentHashMap<>();
        Runnable stopWatch = reader.watch(service, id -> seen.putIfAbsent(id, System.nanoTime()));
        try {
            for (int i = -warmup; i < samples; i++) {
                String id = "node-" + (i + warmup);
                long start = System.nanoTime();
                writer.register(record(service, id, i + warmup), TTL);
                long watched = awaitSeen(seen, id, start);
                if (i >= 0) {
                    nanos[i] = watched - start;
                }
            }
        } finally {
            stopWatch.run();
        }
        return Latencies.ofNanos(nanos);
    }

    private static long awaitCached(CachingRegistry cache, String service, String id, long start) {
        long deadline = start + BOUND.toNanos();
        while (true) {
            if (contains(cache.getService(service), id)) {
                return System.nanoTime();
            }
            // Yield rather than sleep: a sleep's wake-up delay (~50 µs) would be measured as cache latency.
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting " + BOUND.toSeconds() + " s for the cache to serve node "
                        + id);
            }
            Thread.yield();
        }
    }

    private static long awaitSeen(Map<String, Long> seen, String id, long start) {
        long deadline = start + BOUND.toNanos();
        while (true) {
            Long at = seen.get(id);
            if (at != null) {
                return at;
            }
            pause(deadline, "a watcher to see node " + id);
        }
    }

    private static void pause(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("gave up waiting " + BOUND.toSeconds() + " s for " + what);
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
    }

    private static boolean contains(List<Service> versions, String id) {
        for (Service version : versions) {
            for (Node node : version.nodes()) {
                if (node.id().equals(id)) {
                    return true;
                }
            }
        }
        return false;
    }
}

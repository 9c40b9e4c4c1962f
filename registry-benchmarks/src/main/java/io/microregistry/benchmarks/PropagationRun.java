package io.microregistry.benchmarks;

import io.microregistry.Backoff;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import io.microregistry.cache.CacheOptions;
import io.microregistry.cache.CachingRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Propagation: one client registers a node; how long until another client sees it. Three sides,
 * each measured in its own pass on fresh clients: a registry {@link Watcher}, a
 * {@link CachingRegistry} serving the node, and the backend's raw client watching with its own
 * mechanism (where there is one).
 *
 * <p><b>Fairness.</b> Every pass first makes {@code warmup} unmeasured registrations (so each side
 * reaches steady state on its own clients, whatever ran before it), then {@code samples / rounds}
 * measured ones. The passes run in {@code rounds} rounds; even rounds go watcher, cache, raw, odd
 * rounds the reverse, so no side is systematically first (cold JVM) or last (warm JVM). Each
 * side's samples of all rounds are pooled.
 *
 * <p><b>Measured interval, the same for every side:</b> from just before the register call until
 * the measuring (main) thread first observes the node. It observes by the same loop for every
 * side: check, and if not there park ~{@value #POLL_MICROS} µs ({@link LockSupport#parkNanos}) and
 * check again. For the watcher and the raw client the check is "has the watch's thread recorded
 * this node id" (the watch thread only adds the id to a set); for the cache it is one
 * {@code getService} on the cache. So every side pays the same wake-up granularity and none keeps
 * a core busy while it waits.
 *
 * <p><b>Cache and unknown services.</b> {@link CachingRegistry} re-reads a service that had no node
 * when first looked up at most once per {@link CacheOptions#unknownRecheck()} (1 s by default). The
 * cache pass therefore registers its first warm-up node before the cache's first lookup and uses
 * an {@code unknownRecheck} of {@value #CACHE_UNKNOWN_RECHECK_MILLIS} ms, so that warm-up lookup
 * waits at most that long and the cache follows the service (by its watch) before any measured
 * registration; no measured sample goes through the unknown-service path.
 */
final class PropagationRun {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration BOUND = Duration.ofSeconds(20);
    static final long POLL_MICROS = 20;
    static final long CACHE_UNKNOWN_RECHECK_MILLIS = 10;

    /**
     * Watch and cache latencies of the registry, and the raw client's watch latency (null if none).
     *
     * @param warmup         unmeasured registrations at the start of every pass
     * @param rounds         rounds (order alternating); each side's samples are pooled over them
     * @param pollMicros     park between two checks of the measuring loop
     * @param unknownRecheck the cache pass's {@link CacheOptions#unknownRecheck()}
     */
    record Result(String backend, Latencies watch, Latencies cache, Latencies raw, String rawDescription,
                  int warmup, int rounds, long pollMicros, Duration unknownRecheck) {
    }

    /** The three sides, in the order of even rounds. */
    private enum Side { WATCHER, CACHE, RAW }

    private PropagationRun() {
    }

    /**
     * Measures {@code samples} registrations per side, split as evenly as possible over
     * {@code rounds} rounds of alternating order, each pass after {@code warmup} unmeasured ones.
     */
    static Result measure(BackendUnderTest backend, int warmup, int samples, int rounds) throws Exception {
        if (rounds < 1 || warmup < 1 || samples < rounds) {
            throw new IllegalArgumentException("rounds and warmup must be at least 1, samples at least rounds");
        }
        boolean hasRaw;
        try (RawClient probe = backend.raw()) {
            hasRaw = probe != null;
        }
        List<Side> sides = new ArrayList<>(List.of(Side.WATCHER, Side.CACHE));
        if (hasRaw) {
            sides.add(Side.RAW);
        }
        Map<Side, long[]> pooled = new EnumMap<>(Side.class);
        for (Side side : sides) {
            pooled.put(side, new long[samples]);
        }
        int offset = 0;
        for (int round = 0; round < rounds; round++) {
            int perRound = samples / rounds + (round < samples % rounds ? 1 : 0);
            List<Side> order = new ArrayList<>(sides);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Side side : order) {
                long[] nanos = pass(backend, side, round, warmup, perRound);
                System.arraycopy(nanos, 0, pooled.get(side), offset, perRound);
            }
            offset += perRound;
        }
        return new Result(backend.name(), Latencies.ofNanos(pooled.get(Side.WATCHER)),
                Latencies.ofNanos(pooled.get(Side.CACHE)), hasRaw ? Latencies.ofNanos(pooled.get(Side.RAW)) : null,
                backend.rawDescription(), warmup, rounds, POLL_MICROS, Duration.ofMillis(CACHE_UNKNOWN_RECHECK_MILLIS));
    }

    private static long[] pass(BackendUnderTest backend, Side side, int round, int warmup, int samples)
            throws Exception {
        return switch (side) {
            case WATCHER -> watcher(backend, "bench-propagation-watch-" + round, warmup, samples);
            case CACHE -> cache(backend, "bench-propagation-cache-" + round, warmup, samples);
            case RAW -> raw(backend, "bench-propagation-raw-" + round, warmup, samples);
        };
    }

    /** What a pass registers with: the registry or the raw client, behind one shape. */
    @FunctionalInterface
    private interface Publisher {
        void register(Service service) throws Exception;
    }

    private static long[] watcher(BackendUnderTest backend, String service, int warmup, int samples)
            throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (Registry publisher = backend.open(); Registry observer = backend.open()) {
            Watcher watcher = observer.watch(WatchOptions.service(service));
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        WatchEvent event = watcher.next();
                        if (event.type() == WatchEvent.Type.CREATE) {
                            seen.add(event.node().id());
                        }
                    }
                } catch (WatcherStoppedException | InterruptedException e) {
                    // done
                }
            }, "bench-watch-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                return loop(service, warmup, samples, s -> publisher.register(s, RegisterOptions.ttl(TTL)),
                        seen::contains);
            } finally {
                watcher.stop();
                reader.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    private static long[] cache(BackendUnderTest backend, String service, int warmup, int samples)
            throws Exception {
        CacheOptions options = new CacheOptions(Backoff.DEFAULT, CacheOptions.DEFAULT.resyncInterval(),
                Duration.ofMillis(CACHE_UNKNOWN_RECHECK_MILLIS));
        try (Registry publisher = backend.open(); Registry observer = backend.open();
             CachingRegistry cache = CachingRegistry.view(observer, options)) {
            // No lookup before the first (warm-up) registration: the cache meets the service with a node.
            return loop(service, warmup, samples, s -> publisher.register(s, RegisterOptions.ttl(TTL)),
                    id -> contains(cache.getService(service), id));
        }
    }

    private static long[] raw(BackendUnderTest backend, String service, int warmup, int samples) throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (RawClient writer = backend.raw(); RawClient reader = backend.raw()) {
            Runnable stopWatch = reader.watch(service, seen::add);
            try {
                return loop(service, warmup, samples, s -> writer.register(s, TTL), seen::contains);
            } finally {
                stopWatch.run();
            }
        }
    }

    /**
     * The one measuring loop of every side: {@code warmup} unmeasured then {@code samples} measured
     * registrations, one at a time, each timed until {@code visible} holds for its node id.
     */
    private static long[] loop(String service, int warmup, int samples, Publisher publisher, Predicate<String> visible)
            throws Exception {
        long[] nanos = new long[samples];
        for (int i = -warmup; i < samples; i++) {
            int n = i + warmup;
            String id = "node-" + n;
            long start = System.nanoTime();
            publisher.register(record(service, id, n));
            long end = await(visible, id, start);
            if (i >= 0) {
                nanos[i] = end - start;
            }
        }
        return nanos;
    }

    private static long await(Predicate<String> visible, String id, long start) {
        long deadline = start + BOUND.toNanos();
        long pause = TimeUnit.MICROSECONDS.toNanos(POLL_MICROS);
        while (true) {
            if (visible.test(id)) {
                return System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting " + BOUND.toSeconds() + " s to see node " + id);
            }
            LockSupport.parkNanos(pause);
        }
    }

    private static Service record(String service, String id, int n) {
        return Service.builder(service).version("1.0")
                .node(new Node(id, "10.1.0.1:" + (20000 + n % 40000), Map.of("weight", "1"))).build();
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

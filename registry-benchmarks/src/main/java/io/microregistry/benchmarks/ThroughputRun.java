package io.microregistry.benchmarks;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;

import java.time.Duration;
import java.util.Map;

/**
 * Registration throughput: {@code count} registrations, one after the other on one client, of
 * one-node records of one service; the raw client writes the same records the same way. Several
 * rounds, registry and raw taking turns to go first; in every round each side opens fresh clients
 * and makes {@code warmup} unmeasured registrations (of another service) before its measured ones,
 * so neither side is measured on colder code than the other.
 */
final class ThroughputRun {

    private static final Duration TTL = Duration.ofSeconds(60);

    /**
     * Registrations per second of each round; raw arrays are empty where there is no raw client.
     *
     * @param warmup unmeasured registrations before each side's measured ones, in every round
     */
    record Result(String backend, int count, double[] registry, double[] raw, String rawDescription, int warmup) {
        double registryMean() {
            return mean(registry);
        }

        double rawMean() {
            return mean(raw);
        }

        private static double mean(double[] values) {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            return values.length == 0 ? Double.NaN : sum / values.length;
        }
    }

    private ThroughputRun() {
    }

    static Result measure(BackendUnderTest backend, int warmup, int count, int rounds) throws Exception {
        double[] ours = new double[rounds];
        double[] raw = new double[rounds];
        boolean hasRaw = true;
        for (int round = 0; round < rounds; round++) {
            // Alternate who goes first, so that neither always meets a fresher (or more tired) server.
            if (round % 2 == 0) {
                ours[round] = registryRound(backend, round, warmup, count);
                raw[round] = rawRound(backend, round, warmup, count);
            } else {
                raw[round] = rawRound(backend, round, warmup, count);
                ours[round] = registryRound(backend, round, warmup, count);
            }
            hasRaw = !Double.isNaN(raw[round]);
        }
        return new Result(backend.name(), count, ours, hasRaw ? raw : new double[0], backend.rawDescription(), warmup);
    }

    private static double registryRound(BackendUnderTest backend, int round, int warmup, int count) {
        try (Registry client = backend.open()) {
            register(client, "bench-warm-" + round, warmup);
            long start = System.nanoTime();
            register(client, "bench-throughput-" + round, count);
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** NaN where the backend has no raw client. */
    private static double rawRound(BackendUnderTest backend, int round, int warmup, int count) throws Exception {
        try (RawClient client = backend.raw()) {
            if (client == null) {
                return Double.NaN;
            }
            rawRegister(client, "bench-raw-warm-" + round, warmup);
            long start = System.nanoTime();
            rawRegister(client, "bench-raw-throughput-" + round, count);
            return count / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static Service record(String service, int i) {
        return Service.builder(service).version("1.0")
                .node(new Node("node-" + i, "10.2." + (i / 250) + "." + (i % 250) + ":8080", Map.of("weight", "1")))
                .build();
    }

    private static void register(Registry client, String service, int count) {
        for (int i = 0; i < count; i++) {
            client.register(record(service, i), RegisterOptions.ttl(TTL));
        }
    }

    private static void rawRegister(RawClient client, String service, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            client.register(record(service, i), TTL);
        }
    }
}

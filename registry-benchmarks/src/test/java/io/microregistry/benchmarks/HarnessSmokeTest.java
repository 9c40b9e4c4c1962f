package io.microregistry.benchmarks;

import io.microregistry.Node;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the benchmark code works, fast, on the memory backend and an in-process ZooKeeper:
 * a normal build runs this, never the benchmarks themselves.
 */
class HarnessSmokeTest {

    @Test
    void selectBenchmarkPicksNodesOfTheServiceWithEveryStrategyAndFilter() {
        for (String strategy : List.of("random", "round-robin", "weighted", "p2c")) {
            for (String filter : List.of("none", "version")) {
                SelectBenchmark benchmark = new SelectBenchmark();
                benchmark.nodes = 10;
                benchmark.strategy = strategy;
                benchmark.filter = filter;
                benchmark.setUp();
                try {
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < 200; i++) {
                        Node node = benchmark.select();
                        seen.add(node.id());
                        if (filter.equals("version")) {
                            // Version 1.0 holds the even-numbered nodes.
                            assertThat(Integer.parseInt(node.id().substring(5)) % 2).isZero();
                        }
                    }
                    assertThat(seen).hasSize(filter.equals("none") ? 10 : 5);
                } finally {
                    benchmark.tearDown();
                }
            }
        }
    }

    @Test
    void curatorPeerRoundRobinsOverItsCache() throws Exception {
        CuratorSelectBenchmark benchmark = new CuratorSelectBenchmark();
        benchmark.nodes = 10;
        benchmark.filter = "version";
        benchmark.setUp();
        try {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                seen.add(benchmark.select().getId());
            }
            assertThat(seen).hasSize(5).allSatisfy(id -> assertThat(Integer.parseInt(id.substring(5)) % 2).isZero());
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void propagationAndThroughputRunOnTheMemoryBackend() throws Exception {
        try (MemoryBackend backend = new MemoryBackend()) {
            PropagationRun.Result propagation = PropagationRun.measure(backend, 3, 7, 2);
            assertThat(propagation.watch().count()).isEqualTo(7);
            assertThat(propagation.cache().count()).isEqualTo(7);
            assertThat(propagation.cache().p50()).isPositive();
            // In process, a measured sample never waits for the cache's unknown-service re-read.
            assertThat(propagation.cache().max()).isLessThan(500_000);
            assertThat(propagation.raw()).isNull();
            assertThat(propagation.warmup()).isEqualTo(3);
            assertThat(propagation.rounds()).isEqualTo(2);

            ThroughputRun.Result throughput = ThroughputRun.measure(backend, 2, 10, 1);
            assertThat(throughput.registry()).hasSize(1);
            assertThat(throughput.registryMean()).isPositive();
            assertThat(throughput.raw()).isEmpty();
        }
    }

    @Test
    void reportRendersTablesAndJudgesTargets() {
        BenchmarkReport.Report report = new BenchmarkReport.Report();
        report.select = List.of(
                new SelectRow("micro-registry", "round-robin", 100, 1, "none", 12.5, 0.4, 0),
                new SelectRow("micro-registry", "random", 100, 1, "none", 45, 2, 16),
                new SelectRow("curator", "round-robin", 100, 1, "none", 900, 50, 1200));
        report.missing.put("consul", "provider 'consul' is not on the class path");
        report.propagation.add(new PropagationRun.Result("memory", new Latencies(200, 40, 90, 120),
                new Latencies(200, 60, 110, 150), null, "none (in-process)", 200, 2, 20, java.time.Duration.ofMillis(10)));
        String md = MarkdownReport.render(report, false);
        assertThat(md).contains("every pass starts with 200 unmeasured registrations")
                .contains("2 rounds (even rounds watcher, cache, raw; odd rounds the reverse)")
                .contains("park 20 µs")
                .contains("`unknownRecheck` = 10 ms")
                .contains("| memory | 200 | 0.04 / 0.09 | 0.06 / 0.11 | – | none (in-process) |");
        assertThat(md).contains("| select round-robin, 100 nodes, 1 thread: ≤ 30 ns/op, 0 B/op | 12.5 ± 0.4 ns, 0 B | yes |");
        assertThat(md).contains("| select random, 100 nodes, 1 thread: ≤ 30 ns/op, 0 B/op | 45.0 ± 2.0 ns, 16 B | **no** |");
        assertThat(md).contains("72.0×");
        assertThat(md).contains("| 100 | 1 | none |");
        assertThat(md).contains("`consul`: provider 'consul' is not on the class path");
    }
}

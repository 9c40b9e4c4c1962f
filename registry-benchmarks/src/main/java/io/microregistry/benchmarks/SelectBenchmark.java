package io.microregistry.benchmarks;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.selector.Filter;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link Selector#select} on a cached service of {@code nodes} nodes, half at version 1.0 and
 * half at 2.0, weights 1..10: per strategy, with no filter or with {@code Filter.version("1.0")}
 * held in a field (as callers should). The registry is the memory backend: once the service is
 * cached the backend is not touched, so the backend does not matter here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectBenchmark {

    static final String SERVICE = "greeter";

    @Param({"10", "100", "1000"})
    public int nodes;

    @Param({"random", "round-robin", "weighted", "p2c"})
    public String strategy;

    @Param({"none", "version"})
    public String filter;

    private MemoryRegistry registry;
    private Selector selector;
    private Filter versionFilter;

    @Setup
    public void setUp() {
        registry = MemoryRegistry.standalone();
        register(registry, nodes);
        selector = Selector.of(registry, Strategy.named(strategy));
        versionFilter = "version".equals(filter) ? Filter.version("1.0") : null;
        // Load the cache and the filter memo outside the measurement.
        select();
    }

    /** Registers {@code count} nodes of {@link #SERVICE}: even ones at 1.0, odd ones at 2.0. */
    static void register(io.microregistry.Registry registry, int count) {
        for (int i = 0; i < count; i++) {
            Node node = new Node(String.format("node-%04d", i), "10.0." + (i / 250) + "." + (i % 250) + ":8080",
                    Map.of("weight", Integer.toString(1 + i % 10), "zone", i % 3 == 0 ? "eu" : "us"));
            registry.register(Service.builder(SERVICE).version(i % 2 == 0 ? "1.0" : "2.0").node(node).build());
        }
    }

    @TearDown
    public void tearDown() {
        selector.close();
        registry.close();
    }

    @Benchmark
    public Node select() {
        Filter f = versionFilter;
        return f == null ? selector.select(SERVICE) : selector.select(SERVICE, f);
    }
}

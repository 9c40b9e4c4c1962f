package io.microregistry.benchmarks;

import io.microregistry.memory.MemoryRegistry;
import io.microregistry.selector.Selection;
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

import java.util.concurrent.TimeUnit;

/**
 * The feedback path: {@link Selector#acquire} then {@link Selection#success()}, what a caller
 * using power-of-two-choices or ejection pays per call (the handle is one small allocation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AcquireBenchmark {

    @Param({"100"})
    public int nodes;

    @Param({"round-robin", "p2c"})
    public String strategy;

    private MemoryRegistry registry;
    private Selector selector;

    @Setup
    public void setUp() {
        registry = MemoryRegistry.standalone();
        SelectBenchmark.register(registry, nodes);
        selector = Selector.of(registry, Strategy.named(strategy));
        acquireAndSucceed();
    }

    @TearDown
    public void tearDown() {
        selector.close();
        registry.close();
    }

    @Benchmark
    public Selection acquireAndSucceed() {
        Selection selection = selector.acquire(SelectBenchmark.SERVICE);
        selection.success();
        return selection;
    }
}

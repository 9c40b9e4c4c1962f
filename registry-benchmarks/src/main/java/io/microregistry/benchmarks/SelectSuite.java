package io.microregistry.benchmarks;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Runs {@link SelectBenchmark} and {@link CuratorSelectBenchmark} through JMH with {@code -prof gc}. */
final class SelectSuite {

    /** Iteration plan: kept short so the whole report fits in about 15 minutes on 2 cores. */
    record Plan(int warmupIterations, TimeValue warmupTime, int iterations, TimeValue iterationTime,
                String[] nodes, int[] threads) {
        static final Plan FULL = new Plan(2, TimeValue.milliseconds(500), 6, TimeValue.milliseconds(500),
                new String[] {"10", "100", "1000"}, new int[] {1, 2});
        static final Plan QUICK = new Plan(1, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(100),
                new String[] {"10"}, new int[] {1});

        String describe() {
            return "1 fork, " + warmupIterations + " warm-up × " + warmupTime + ", " + iterations
                    + " measured × " + iterationTime + " per configuration, -prof gc";
        }
    }

    private SelectSuite() {
    }

    static List<SelectRow> run(Plan plan) throws RunnerException {
        List<SelectRow> rows = new ArrayList<>();
        for (int threads : plan.threads()) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + Pattern.quote(SelectBenchmark.class.getName()) + "\\.select$")
                    .include("^" + Pattern.quote(CuratorSelectBenchmark.class.getName()) + "\\.select$")
                    .include("^" + Pattern.quote(AcquireBenchmark.class.getName()) + "\\.acquireAndSucceed$")
                    .param("nodes", plan.nodes())
                    .forks(1)
                    .warmupIterations(plan.warmupIterations())
                    .warmupTime(plan.warmupTime())
                    .measurementIterations(plan.iterations())
                    .measurementTime(plan.iterationTime())
                    .threads(threads)
                    .jvmArgsAppend("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                    .addProfiler(GCProfiler.class)
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.SILENT);
            Collection<RunResult> results = new Runner(options.build()).run();
            for (RunResult result : results) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    private static SelectRow row(RunResult result) {
        var params = result.getParams();
        boolean curator = params.getBenchmark().startsWith(CuratorSelectBenchmark.class.getName());
        boolean acquire = params.getBenchmark().startsWith(AcquireBenchmark.class.getName());
        Result<?> primary = result.getPrimaryResult();
        double bytes = Double.NaN;
        for (String key : result.getSecondaryResults().keySet()) {
            if (key.endsWith("gc.alloc.rate.norm")) {
                bytes = result.getSecondaryResults().get(key).getScore();
            }
        }
        return new SelectRow(curator ? "curator" : acquire ? "acquire" : "micro-registry",
                curator ? "round-robin" : params.getParam("strategy"),
                Integer.parseInt(params.getParam("nodes")), params.getThreads(),
                acquire ? "none" : params.getParam("filter"),
                primary.getScore(), primary.getScoreError(), bytes);
    }
}

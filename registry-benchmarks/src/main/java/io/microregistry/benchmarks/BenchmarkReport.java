package io.microregistry.benchmarks;

import io.microregistry.Registries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every benchmark and writes the report (markdown). The documented way to run it is
 * {@code ./mvnw -B -pl registry-benchmarks -am -DskipTests -Pbenchmarks verify}, which calls
 * this with {@code --output docs/benchmarks.md}.
 *
 * <p>Options: {@code --output FILE} (required); {@code --quick} (tiny iterations and sample
 * counts, to check the harness, not to measure); {@code --backends a,b} (default: memory plus
 * every backend provider on the class path); {@code --skip-select}; {@code --samples N}
 * (propagation registrations per side, default 200, split over 2 rounds); {@code --registrations N}
 * (throughput, default 1000); {@code --warmup N} (unmeasured registrations at the start of every
 * propagation pass and every throughput round, per side; default 200, 5 with {@code --quick});
 * {@code --scale N,N,...} (services followed in the "Scale" section, default 10,100,1000; 5,10
 * with {@code --quick}); {@code --scale-only} (only the "Scale" section, spliced into the
 * existing output file in place of its previous one); {@code --large N} (nodes in the "Large
 * registry" section, default 10000, 500 with {@code --quick}, 0 to skip); {@code --large-only}
 * (only that section, spliced like {@code --scale-only}); {@code --keepalive N,N,...} (nodes kept
 * alive in the "Keep-alive" section, default 10,100,1000; 5,10 with {@code --quick});
 * {@code --keepalive-only} (only that section, spliced like {@code --scale-only}, placed after
 * "Scale" if the file has none yet).
 *
 * <p>Exits non-zero if a backend that is on the class path could not be measured (its server
 * would not start, a run failed): the report still says what happened.
 */
public final class BenchmarkReport {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkReport.class);
    static final List<String> BACKENDS = List.of("memory", "etcd", "consul", "zookeeper");
    /** Propagation rounds: the order of the sides is reversed from one round to the next. */
    static final int PROPAGATION_ROUNDS = 2;

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path output = Path.of(require(options, "output"));
        boolean quick = options.containsKey("quick");
        int samples = Integer.parseInt(options.getOrDefault("samples", quick ? "5" : "200"));
        int registrations = Integer.parseInt(options.getOrDefault("registrations", quick ? "20" : "1000"));
        // Per pass, per side: enough unmeasured registrations for each side to reach steady state
        // on its own (on Consul one watch pass gave p50 13.4, 9.9, 8.4 ms run three times in one JVM).
        int warmup = Integer.parseInt(options.getOrDefault("warmup", quick ? "5" : "200"));
        boolean largeOnly = options.containsKey("large-only");
        boolean scaleOnly = options.containsKey("scale-only");
        boolean keepAliveOnly = options.containsKey("keepalive-only");
        boolean onlyOne = largeOnly || scaleOnly || keepAliveOnly;
        int largeNodes = Integer.parseInt(options.getOrDefault("large", quick ? "500" : "10000"));
        List<Integer> scaleCounts = java.util.Arrays.stream(options.getOrDefault("scale", quick ? "5,10" : "10,100,1000")
                .split(",")).map(String::trim).map(Integer::valueOf).toList();
        List<Integer> keepAliveCounts = java.util.Arrays.stream(options.getOrDefault("keepalive",
                quick ? "5,10" : "10,100,1000").split(",")).map(String::trim).map(Integer::valueOf).toList();
        List<String> wanted = options.containsKey("backends")
                ? List.of(options.get("backends").split(",")) : BACKENDS;

        Instant started = Instant.now();
        Report report = new Report();
        SelectSuite.Plan plan = quick ? SelectSuite.Plan.QUICK : SelectSuite.Plan.FULL;
        report.selectPlan = plan.describe();
        if (!options.containsKey("skip-select") && !onlyOne) {
            LOG.info("select benchmarks: {}", plan.describe());
            report.select = SelectSuite.run(plan);
        }

        List<String> available = Registries.providerNames();
        for (String name : wanted) {
            if (!available.contains(name)) {
                report.missing.put(name, "provider '" + name + "' is not on the class path (module not built)");
                continue;
            }
            LOG.info("backend {}: starting server", name);
            try (BackendUnderTest backend = Backends.start(name)) {
                if (!onlyOne) {
                    LOG.info("backend {}: propagation, {} registrations per side in {} rounds, {} unmeasured per pass",
                            name, samples, PROPAGATION_ROUNDS, warmup);
                    report.propagation.add(PropagationRun.measure(backend, warmup, samples, PROPAGATION_ROUNDS));
                    LOG.info("backend {}: registration throughput, {} registrations x 2 rounds", name, registrations);
                    report.throughput.add(ThroughputRun.measure(backend, warmup, registrations, 2));
                }
                if (!onlyOne || scaleOnly) {
                    LOG.info("backend {}: scale, threads and connections following {} services", name, scaleCounts);
                    report.scale.addAll(ScaleRun.measure(backend, scaleCounts));
                }
                if (!onlyOne || keepAliveOnly) {
                    LOG.info("backend {}: keep-alive, requests/s for {} nodes (TTL {} s)", name, keepAliveCounts,
                            KeepAliveRun.TTL.toSeconds());
                    report.keepAlive.addAll(KeepAliveRun.measure(backend, keepAliveCounts));
                }
                if ((!onlyOne || largeOnly) && largeNodes > 0) {
                    LOG.info("backend {}: large registry, {} nodes", name, largeNodes);
                    report.large.add(LargeRegistryRun.measure(backend, largeNodes));
                }
            } catch (Exception | Error e) {
                LOG.error("backend {} could not be measured", name, e);
                report.failed.put(name, e.toString());
            }
        }
        report.elapsed = Duration.between(started, Instant.now());
        Files.createDirectories(output.toAbsolutePath().getParent());
        String base = "./mvnw -B -pl registry-benchmarks -am -DskipTests -Pbenchmarks verify";
        String scale = ScaleRun.render(report.scale, scaleCounts,
                base + (scaleOnly ? " -Dbenchmarks.args=--scale-only" : ""));
        String large = LargeRegistryRun.render(report.large,
                base + (largeOnly ? " -Dbenchmarks.args=--large-only" : ""));
        String keepAlive = KeepAliveRun.render(report.keepAlive, keepAliveCounts, KeepAliveRun.TTL,
                base + (keepAliveOnly ? " -Dbenchmarks.args=--keepalive-only" : ""));
        if (scaleOnly && Files.exists(output)) {
            Files.writeString(output, spliceSection(Files.readString(output), "## Scale\n", scale));
        } else if (keepAliveOnly && Files.exists(output)) {
            Files.writeString(output, spliceSection(Files.readString(output), "## Keep-alive\n", keepAlive,
                    "## Scale\n"));
        } else if (largeOnly && Files.exists(output)) {
            Files.writeString(output, spliceSection(Files.readString(output), "## Large registry\n", large));
        } else {
            Files.writeString(output, MarkdownReport.render(report, quick) + "\n" + scale + keepAlive
                    + (largeNodes > 0 ? large : ""));
        }
        LOG.info("wrote {} in {} s", output, report.elapsed.toSeconds());
        System.out.println(Files.readString(output));
        if (!report.failed.isEmpty()) {
            System.exit(1);
        }
    }

    /** Everything measured in one run. */
    static final class Report {
        String selectPlan = "";
        List<SelectRow> select = new ArrayList<>();
        final List<PropagationRun.Result> propagation = new ArrayList<>();
        final List<ThroughputRun.Result> throughput = new ArrayList<>();
        final List<ScaleRun.Row> scale = new ArrayList<>();
        final List<KeepAliveRun.Row> keepAlive = new ArrayList<>();
        final List<LargeRegistryRun.Result> large = new ArrayList<>();
        final Map<String, String> missing = new LinkedHashMap<>();
        final Map<String, String> failed = new LinkedHashMap<>();
        Duration elapsed = Duration.ZERO;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            boolean flag = key.equals("quick") || key.equals("skip-select") || key.equals("scale-only")
                    || key.equals("large-only") || key.equals("keepalive-only");
            if (flag) {
                options.put(key, "true");
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + arg + " needs a value");
                }
                options.put(key, args[++i]);
            }
        }
        return options;
    }

    /** {@code document} with its section under {@code heading} (up to the next "## ") replaced, or appended. */
    static String spliceSection(String document, String heading, String section) {
        return spliceSection(document, heading, section, null);
    }

    /**
     * {@code document} with its section under {@code heading} (up to the next "## ") replaced; if
     * it has none, inserted after the section under {@code after} (when there is one), else appended.
     */
    static String spliceSection(String document, String heading, String section, String after) {
        int start = document.indexOf(heading);
        if (start < 0 && after != null && document.contains(after)) {
            int next = document.indexOf("\n## ", document.indexOf(after) + 1);
            if (next >= 0) {
                return document.substring(0, next + 1) + section + document.substring(next + 1);
            }
        }
        if (start < 0) {
            return document.endsWith("\n") ? document + "\n" + section : document + "\n\n" + section;
        }
        int end = document.indexOf("\n## ", start + 1);
        return document.substring(0, start) + section + (end < 0 ? "" : document.substring(end + 1));
    }

    private static String require(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("option --" + key + " is required");
        }
        return value;
    }
}

package io.microregistry.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The full fault soak from the command line (run by {@code -Psoak}, see this module's pom):
 * runs each backend in turn and rewrites the "Fault soak" section of the output file after each.
 *
 * <p>Options: {@code --output FILE} (required), {@code --backends etcd,consul,zookeeper},
 * {@code --faults 100} (per backend), {@code --seed N} (default: the current time, recorded in
 * the report), {@code --kinds K1,K2} (default: all {@link FaultKind}s), {@code --ttl-ms 5000},
 * {@code --registrants 6}, {@code --nodes 5}, {@code --parallel} (the backends at the same time, each
 * with its own server and processes: faster, but recovery times then include the others' load). Exits 0 once the report is written, whatever it
 * shows; 2 on bad arguments.
 */
public final class SoakMain {

    private SoakMain() {
    }

    public static void main(String[] args) {
        Path output = null;
        List<Backend> backends = List.of(Backend.ETCD, Backend.CONSUL, Backend.ZOOKEEPER);
        int faults = 100;
        long seed = System.currentTimeMillis();
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        long ttlMs = 5000;
        int registrants = 6;
        int nodes = 5;
        boolean parallel = false;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--parallel")) {
                    parallel = true;
                    continue;
                }
                String value = args[++i];
                switch (args[i - 1]) {
                    case "--output" -> output = Path.of(value);
                    case "--backends" -> backends = split(value).stream().map(Backend::parse).toList();
                    case "--faults" -> faults = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--kinds" -> kinds = EnumSet.copyOf(split(value).stream().map(FaultKind::valueOf).toList());
                    case "--ttl-ms" -> ttlMs = Long.parseLong(value);
                    case "--registrants" -> registrants = Integer.parseInt(value);
                    case "--nodes" -> nodes = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i - 1]);
                }
            }
            if (output == null) {
                throw new IllegalArgumentException("--output is required");
            }
        } catch (RuntimeException e) {
            System.err.println("soak: " + e.getMessage());
            System.exit(2);
            return;
        }
        String command = "./mvnw -B -pl registry-soak -am -DskipTests -Psoak verify -Dsoak.args=\"--backends "
                + String.join(",", backends.stream().map(Backend::provider).toList()) + " --faults " + faults
                + " --seed " + seed + (kinds.size() < FaultKind.values().length ? " --kinds " + kinds : "")
                + (ttlMs != 5000 ? " --ttl-ms " + ttlMs : "") + (registrants != 6 ? " --registrants " + registrants : "")
                + (nodes != 5 ? " --nodes " + nodes : "") + (parallel ? " --parallel" : "") + "\"";
        Duration ttl = Duration.ofMillis(ttlMs);
        Path work = Path.of("target", "soak");
        List<SoakResult> results = new ArrayList<>();
        List<SoakSettings> runs = new ArrayList<>();
        for (Backend backend : backends) {
            runs.add(new SoakSettings(backend, registrants, nodes, ttl, faults, seed, kinds,
                    ttl.multipliedBy(3).plusSeconds(5), work.resolve(backend.provider())));
        }
        Path file = output;
        Consumer<SoakResult> done = result -> {
            synchronized (results) {
                results.add(result);
                results.sort(Comparator.comparing(r -> r.settings().backend()));
                ReliabilityReport.write(file, ReliabilityReport.render(results, command));
            }
            System.out.printf("soak %s: %d faults, lost %d, stale %d, diverged %d, dead nodes not gone %d%n",
                    result.settings().backend().provider(), result.outcomes().size(), result.lost(), result.stale(),
                    result.diverged(), result.notGone());
        };
        if (parallel) {
            // Each run has its own server, ports and processes; they share only the machine.
            List<CompletableFuture<Void>> all = runs.stream()
                    .map(settings -> CompletableFuture.runAsync(() -> done.accept(new SoakRun(settings).run()),
                            Executors.newSingleThreadExecutor()))
                    .toList();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } else {
            runs.forEach(settings -> done.accept(new SoakRun(settings).run()));
        }
        System.out.println("wrote " + output.toAbsolutePath());
        System.exit(0);
    }

    private static List<String> split(String value) {
        return List.of(value.replace("[", "").replace("]", "").replace(" ", "").split(","));
    }
}

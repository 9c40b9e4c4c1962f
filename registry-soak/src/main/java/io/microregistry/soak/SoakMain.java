package io.microregistry.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code --registrants 6}, {@code --nodes 5}. Exits 0 once the report is written, whatever it
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
        try {
            for (int i = 0; i < args.length; i++) {
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
                + (nodes != 5 ? " --nodes " + nodes : "") + "\"";
        Duration ttl = Duration.ofMillis(ttlMs);
        Path work = Path.of("target", "soak");
        List<SoakResult> results = new ArrayList<>();
        for (Backend backend : backends) {
            SoakSettings settings = new SoakSettings(backend, registrants, nodes, ttl, faults, seed, kinds,
                    ttl.multipliedBy(3).plusSeconds(5), work.resolve(backend.provider()));
            SoakResult result = new SoakRun(settings).run();
            results.add(result);
            ReliabilityReport.write(output, ReliabilityReport.render(results, command));
            System.out.printf("soak %s: %d faults, lost %d, stale %d, diverged %d, dead nodes not gone %d%n",
                    backend.provider(), result.outcomes().size(), result.lost(), result.stale(), result.diverged(),
                    result.notGone());
        }
        System.out.println("wrote " + output.toAbsolutePath());
    }

    private static List<String> split(String value) {
        return List.of(value.replace("[", "").replace("]", "").replace(" ", "").split(","));
    }
}

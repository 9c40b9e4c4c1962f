package io.microregistry.tck.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a fuzz run's counts into the "Fuzzing" section of {@code docs/reliability.md}: one
 * table row per backend, replaced when that backend is fuzzed again; other sections of the
 * file (the fault soak's) are left as they are.
 *
 * <p>Not thread-safe: runs of several backends in one build write one after another.
 */
public final class ReliabilityDoc {
    private static final String HEADING = "## Fuzzing";

    private ReliabilityDoc() {
    }

    /** Puts {@code report}'s row into the Fuzzing section of {@code file}, creating either if missing. */
    public static synchronized void write(Path file, FuzzReport report) {
        try {
            List<String> lines = Files.exists(file)
                    ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)) : new ArrayList<>();
            if (lines.isEmpty()) {
                lines.add("# Reliability");
                lines.add("");
            }
            int start = lines.indexOf(HEADING);
            List<String> rows = new ArrayList<>();
            int end;
            if (start < 0) {
                if (!lines.get(lines.size() - 1).isBlank()) {
                    lines.add("");
                }
                start = lines.size();
                end = start;
            } else {
                end = start + 1;
                while (end < lines.size() && !lines.get(end).startsWith("## ")) {
                    String line = lines.get(end);
                    if (line.startsWith("| ") && !line.startsWith("| backend ")) {
                        rows.add(line);
                    }
                    end++;
                }
            }
            rows.removeIf(r -> r.startsWith("| " + report.backend() + " |"));
            rows.add(report.markdownRow());
            rows.sort(null);
            List<String> section = new ArrayList<>();
            section.add(HEADING);
            section.add("");
            section.add("Written by the fuzzer (`registry-tck`, package `io.microregistry.tck.fuzz`) against real");
            section.add("servers. Regenerate one backend's row with (10,000 cases; `<module>` is `registry-tck` for memory,");
            section.add("`registry-etcd`, `registry-consul` or `registry-zookeeper`; etcd and Consul take about one to two");
            section.add("minutes each, and the fuzzer logs at the end how its time split between the fuzzed calls and");
            section.add("the read-backs, and how many read-backs had to be repeated):");
            section.add("");
            section.add("```");
            section.add("./mvnw -B -pl <module> -am verify -Dtest='*Fuzz*' -Dsurefire.failIfNoSpecifiedTests=false \\");
            section.add("    -Dmicro.registry.fuzz.cases=10000 -Dmicro.registry.fuzz.report=$PWD/docs/reliability.md");
            section.add("```");
            section.add("");
            section.add("Each case registers (or deregisters) one generated service; `corruption` is counted on top");
            section.add("of the call's own outcome. Target: 0 in every column after `rejected with field`.");
            section.add("");
            section.add(FuzzReport.markdownHeader());
            section.addAll(rows);
            section.add("");
            List<String> out = new ArrayList<>(lines.subList(0, start));
            out.addAll(section);
            out.addAll(lines.subList(end, lines.size()));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write fuzz counts to " + file, e);
        }
    }
}

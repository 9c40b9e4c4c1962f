package io.microregistry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shaded {@code micro-registry} jar as a user would: {@code java -jar micro-registry.jar ...} in a
 * child JVM, with a clean environment (no {@code MICRO_REGISTRY*} inherited from the developer's shell) plus
 * the variables given.
 */
final class Cli {
    /** Bound on one short command; a command that hangs fails the test instead of the build hanging. */
    private static final long RUN_BOUND_SECONDS = 90;

    private final Map<String, String> env;

    private Cli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** No backend variables: the command's defaults (memory). */
    static Cli withDefaults() {
        return new Cli(Map.of());
    }

    /** {@code MICRO_REGISTRY=provider}, {@code MICRO_REGISTRY_ADDRESS=address}. */
    static Cli withBackend(String provider, String address) {
        return new Cli(Map.of("MICRO_REGISTRY", provider, "MICRO_REGISTRY_ADDRESS", address));
    }

    static Path jar() {
        String jar = System.getProperty("cli.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property cli.jar must name the shaded jar (run with mvn verify); was "
                    + jar);
        }
        return Path.of(jar);
    }

    /** Runs a command that ends by itself and collects its output. */
    CliResult run(String... args) {
        Process process = start(args);
        try {
            // Drain both streams concurrently so a chatty child never blocks on a full pipe.
            StreamCollector out = StreamCollector.drain(process.getInputStream(), "stdout");
            StreamCollector err = StreamCollector.drain(process.getErrorStream(), "stderr");
            if (!process.waitFor(RUN_BOUND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("micro-registry " + String.join(" ", args) + " did not end within "
                        + RUN_BOUND_SECONDS + "s; stdout:\n" + out.text() + "\nstderr:\n" + err.text());
            }
            out.await();
            err.await();
            return new CliResult(List.of(args), process.exitValue(), out.text(), err.text());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Starts a command that keeps running (register, watch); the caller stops it. */
    RunningCli launch(String... args) {
        Process process = start(args);
        return new RunningCli(List.of(args), process,
                StreamCollector.drain(process.getInputStream(), "stdout"),
                StreamCollector.drain(process.getErrorStream(), "stderr"));
    }

    private Process start(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Start fast on a small shared machine; the jar and its behaviour are what a user runs.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
                "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> childEnv = builder.environment();
        new HashMap<>(childEnv).keySet().stream().filter(k -> k.startsWith("MICRO_REGISTRY")).forEach(childEnv::remove);
        childEnv.remove("JAVA_TOOL_OPTIONS");
        childEnv.putAll(env);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }
}

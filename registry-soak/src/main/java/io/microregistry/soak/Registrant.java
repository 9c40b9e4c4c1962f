package io.microregistry.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SoakRegistrant} child JVM and what the soak expects of it: its node ids and the
 * generation of metadata it was last told to write.
 *
 * <p>Thread-safety: driven by the soak's thread; a daemon thread of its own reads the child's
 * output.
 */
final class Registrant implements AutoCloseable {
    private final String prefix;
    private final List<String> nodeIds;
    private final Process process;
    private final PrintWriter input;
    private volatile int confirmedGen = -1;
    private int gen;
    private boolean frozen;

    private Registrant(String prefix, int nodes, Process process, Path log) {
        this.prefix = prefix;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ids.add(prefix + "-n" + i);
        }
        this.nodeIds = List.copyOf(ids);
        this.process = process;
        OutputStream stdin = process.getOutputStream();
        this.input = new PrintWriter(stdin, true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> pumpOutput(log), "soak-registrant-" + prefix);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the child; does not wait for it to register (see {@link #awaitGen}). */
    static Registrant start(Backend backend, String address, String service, String prefix, int nodes,
                            Duration ttl, Path logDir) {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dmicro.registry=" + backend.provider(), "-Dmicro.registry.address=" + address,
                "-cp", System.getProperty("java.class.path"), SoakRegistrant.class.getName(),
                service, prefix, Integer.toString(nodes), Long.toString(ttl.toMillis()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new Registrant(prefix, nodes, process, logDir.resolve(prefix + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a registrant", e);
        }
    }

    private void pumpOutput(Path log) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(SoakRegistrant.READY + " ")) {
                    confirmedGen = Integer.parseInt(line.substring(SoakRegistrant.READY.length() + 1).trim());
                }
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException | RuntimeException e) {
            // the child was killed: its output ends
        }
    }

    String prefix() {
        return prefix;
    }

    List<String> nodeIds() {
        return nodeIds;
    }

    /** The generation the registrant was last told to write. */
    int gen() {
        return gen;
    }

    /** What this registrant's nodes must look like once its last write is done: id to gen. */
    void expect(Map<String, String> into) {
        for (String id : nodeIds) {
            into.put(id, Integer.toString(gen));
        }
    }

    /** Tells the child to write its nodes again with the next generation of metadata. */
    void bump() {
        gen++;
        input.println("gen " + gen);
    }

    /** Whether the child said it wrote the current generation. */
    boolean confirmed() {
        return confirmedGen >= gen;
    }

    /** Waits at most {@code bound} for the child to confirm the current generation. */
    boolean awaitGen(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!confirmed()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            ServerProcess.pause(Duration.ofMillis(50));
        }
        return true;
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void freeze() {
        Signals.stop(process);
        frozen = true;
    }

    void thaw() {
        Signals.resume(process);
        frozen = false;
    }

    @Override
    public void close() {
        if (frozen && process.isAlive()) {
            thaw();
        }
        kill();
    }
}

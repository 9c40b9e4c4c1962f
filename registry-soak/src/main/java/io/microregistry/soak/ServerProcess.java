package io.microregistry.soak;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One backend server process on fixed loopback ports and a temp dir, which the soak starts,
 * stops (SIGTERM), kills (SIGKILL), wipes, freezes (SIGSTOP) and resumes (SIGCONT).
 *
 * <p>Not thread-safe: the soak's driving thread alone calls it. A server that does not get
 * ready within 60 s is an {@link IllegalStateException} with its log's tail.
 */
final class ServerProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerProcess.class);
    private static final Duration READY_BOUND = Duration.ofSeconds(60);

    private final Backend backend;
    private final int[] ports;
    private final Path dir;
    private Process process;

    private ServerProcess(Backend backend, Path dir) {
        this.backend = backend;
        this.ports = Backend.freePorts(backend.portCount());
        this.dir = dir;
    }

    static ServerProcess start(Backend backend) {
        try {
            ServerProcess server = new ServerProcess(backend, Files.createTempDirectory("soak-" + backend.provider() + "-"));
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address the backend's provider takes. */
    String address() {
        return "127.0.0.1:" + ports[0];
    }

    Backend backend() {
        return backend;
    }

    /** Starts the process on the same ports and data dir and returns once it is ready. */
    void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(backend + " is running");
        }
        List<String> command = backend.command(dir.resolve("data"), ports);
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        long deadline = System.nanoTime() + READY_BOUND.toNanos();
        while (!backend.ready(ports)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(backend + " exited with " + process.exitValue() + "; log:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(backend + " not ready after " + READY_BOUND + "; log:\n" + logTail());
            }
            pause(Duration.ofMillis(100));
        }
        LOG.info("{} ready on {} (pid {})", backend, address(), process.pid());
    }

    /** SIGTERM, and wait for the process to end. */
    void stop() {
        end(false);
    }

    /** SIGKILL, and wait for the process to end. */
    void kill() {
        end(true);
    }

    /** Deletes the data dir of the stopped server: its next start is a new, empty server. */
    void wipe() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("wipe a running " + backend);
        }
        deleteTree(dir.resolve("data"));
    }

    /** SIGSTOP: the process stays, frozen, holding its sockets. */
    void freeze() {
        Signals.stop(process);
    }

    /** SIGCONT. */
    void thaw() {
        Signals.resume(process);
    }

    private void end(boolean force) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the server (resuming it first if frozen) and deletes its dir. Idempotent. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            Signals.resume(process);
        }
        kill();
        deleteTree(dir);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A deliberate wait between probes or for a fault's duration (not a wait for a condition). */
    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.microregistry.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real server binary (from {@code tools/fetch-server.sh}, under the {@code servers.dir} system
 * property) run on loopback in a temp dir for the length of a benchmark, the way the backend
 * modules' test fixtures run theirs. A binary that is missing or a server that does not come up
 * is an error, never a skip.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Path dir;

    private ServerProcess(String name, Process process, Path dir) {
        this.name = name;
        this.process = process;
        this.dir = dir;
    }

    /** The binary {@code binary} of Debian package {@code pkg} as unpacked under {@code servers.dir}. */
    static Path binary(String pkg, String binary) {
        String configured = System.getProperty("servers.dir");
        Path root = configured != null ? Path.of(configured) : Path.of(".servers").toAbsolutePath();
        Path path = root.resolve(pkg).resolve(binary);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(pkg + " binary " + path + " is missing: run tools/fetch-server.sh "
                    + pkg + " <suite> " + binary + " (the -Pbenchmarks build does)");
        }
        return path;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code command} (given the temp dir) and waits until {@code readyUrl} answers 200 with a
     * body that {@code ready} accepts.
     */
    static ServerProcess start(String name, java.util.function.Function<Path, List<String>> command,
                               String readyUrl, Predicate<String> ready) {
        Path dir;
        Process process;
        try {
            dir = Files.createTempDirectory("bench-" + name + "-");
            process = new ProcessBuilder(command.apply(dir)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        ServerProcess server = new ServerProcess(name, process, dir);
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (!server.answers(readyUrl, ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = server.logTail();
                server.close();
                throw new IllegalStateException(name + " did not come up (" + (process.isAlive() ? "timeout"
                        : "exited " + process.exitValue()) + "); log:\n" + log);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
        return server;
    }

    private boolean answers(String url, Predicate<String> ready) {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            try (InputStream body = connection.getInputStream()) {
                return connection.getResponseCode() == 200
                        && ready.test(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("server.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its temp dir. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp dir left behind is harmless.
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}

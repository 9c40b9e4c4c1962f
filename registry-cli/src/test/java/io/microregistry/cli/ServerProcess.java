package io.microregistry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * etcd or Consul as a real server process on free loopback ports, in a temp dir, from the binaries
 * {@code tools/fetch-server.sh} unpacks into {@code <root>/.servers} (the failsafe run fetches them first).
 * Started the way the backend modules' own fixtures start them. A binary that is missing fails the test.
 */
final class ServerProcess implements BackendServer {
    private static final Duration START_BOUND = Duration.ofSeconds(60);

    private final String provider;
    private final String address;
    private final Path dir;
    private final Process process;

    private ServerProcess(String provider, String address, Path dir, Process process) {
        this.provider = provider;
        this.address = address;
        this.dir = dir;
        this.process = process;
    }

    /** A single-member etcd 3.5, healthy. */
    static ServerProcess etcd() {
        int client = freePort();
        int peer = freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        Path dir = tempDir("cli-etcd-");
        return start("etcd", "127.0.0.1:" + client, dir, List.of(
                        binary("etcd-server", "usr/bin/etcd").toString(),
                        "--name", "cli-test",
                        "--data-dir", dir.resolve("data").toString(),
                        "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                        "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                        "--initial-cluster", "cli-test=" + peerUrl,
                        "--unsafe-no-fsync", "--log-level", "warn"),
                clientUrl + "/health", body -> body.contains("\"health\":\"true\""));
    }

    /** A Consul 1.8 dev agent with a leader. */
    static ServerProcess consul() {
        int http = freePort();
        Path dir = tempDir("cli-consul-");
        return start("consul", "127.0.0.1:" + http, dir, List.of(
                        binary("consul", "usr/bin/consul").toString(), "agent", "-dev",
                        "-node", "micro-registry-cli-test",
                        "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
                        "-http-port", Integer.toString(http),
                        "-server-port", Integer.toString(freePort()),
                        "-serf-lan-port", Integer.toString(freePort()),
                        "-serf-wan-port", Integer.toString(freePort()),
                        "-dns-port", "-1", "-grpc-port", "-1"),
                // the leader's address in quotes, or "" while there is none
                "http://127.0.0.1:" + http + "/v1/status/leader", body -> body.trim().length() > 2);
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return provider + " at " + address + " (pid " + process.pid() + ", dir " + dir + ")";
    }

    private static ServerProcess start(String provider, String address, Path dir, List<String> command,
                                       String readyUrl, Predicate<String> ready) {
        Path log = dir.resolve(provider + ".log");
        Process process;
        try {
            process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        ServerProcess server = new ServerProcess(provider, address, dir, process);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(readyUrl)).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(provider + " exited with " + process.exitValue() + " at start:\n" + tail(log));
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && ready.test(response.body())) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IllegalStateException("interrupted while starting " + provider, e);
            }
            try {
                // waiting on the process, not sleeping: returns early if it dies
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IllegalStateException("interrupted while starting " + provider, e);
            }
        }
        String tail = tail(log);
        server.close();
        throw new IllegalStateException(provider + " not ready at " + readyUrl + " within " + START_BOUND + ":\n" + tail);
    }

    private static Path binary(String pkg, String path) {
        String serversDir = System.getProperty("servers.dir");
        if (serversDir == null) {
            throw new IllegalStateException("system property servers.dir is not set (run through Maven)");
        }
        Path binary = Path.of(serversDir, pkg, path);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run tools/fetch-server.sh " + pkg + " <suite> " + path);
        }
        return binary;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}

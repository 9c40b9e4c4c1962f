package io.microregistry.etcd;

import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real etcd process on loopback, in a temp dir, for tests: start, stop (SIGTERM), kill
 * (SIGKILL), restart on the same ports, optionally with its data wiped. A member of a
 * cluster when given the cluster's peer list.
 *
 * <p>Public for other modules' tests (registry-cli, registry-benchmarks, through this module's
 * test-jar): {@link #startSingle()}, {@link #address()} and {@link #close()}. The binary comes
 * from {@code tools/fetch-server.sh etcd-server trixie usr/bin/etcd}, unpacked under the
 * directory in system property {@code servers.dir}; the caller's build must fetch it. A
 * missing binary or a server that does not become healthy is an {@link IllegalStateException}
 * with the log's tail, never a skip. The caller needs Awaitility and SLF4J on its class path
 * (a test-jar does not bring this module's test dependencies).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class EtcdServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdServer.class);
    private static final Duration START_BOUND = Duration.ofSeconds(30);

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dir;
    private String initialCluster;
    /** CA, certificate and key of the client listener when it speaks TLS; null for plain text. */
    private Path[] tls;
    private int metricsPort;
    private Process process;
    private boolean existingData;

    private EtcdServer(String name, int clientPort, int peerPort, Path dir) {
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.dir = dir;
        this.initialCluster = name + "=" + peerUrl();
    }

    /**
     * A single-member etcd on free loopback ports, in a new temp dir. Blocks until it reports
     * healthy (at most 30 s); fails with {@link IllegalStateException} otherwise.
     */
    public static EtcdServer startSingle() {
        EtcdServer server = create("etcd");
        server.start();
        return server;
    }

    /** A member, not started, on free ports in a temp dir of its own. */
    static EtcdServer create(String name) {
        try {
            return new EtcdServer(name, freePort(), freePort(), Files.createTempDirectory("etcd-" + name + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes this server a member of a cluster: {@code name=peerUrl,...} of all members. */
    void joinCluster(String initialCluster) {
        this.initialCluster = initialCluster;
    }

    String name() {
        return name;
    }

    /**
     * Makes the client listener speak TLS with {@code cert}/{@code key} and require client
     * certificates signed by {@code ca}. Health is then read from a plain-text metrics port.
     */
    void enableTls(Path ca, Path cert, Path key) {
        this.tls = new Path[] {ca, cert, key};
        this.metricsPort = freePort();
    }

    /** {@code 127.0.0.1:port} of the client listener: the address the etcd provider takes. */
    public String address() {
        return "127.0.0.1:" + clientPort;
    }

    String clientUrl() {
        return (tls == null ? "http://" : "https://") + address();
    }

    /** Where {@code /health} and {@code /metrics} are served in plain text. */
    String plainUrl() {
        return tls == null ? clientUrl() : "http://127.0.0.1:" + metricsPort;
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    /** Starts the process and returns once it is healthy. */
    void start() {
        startProcess();
        awaitHealthy();
    }

    /** Starts the process without waiting: cluster members need each other to become healthy. */
    void startProcess() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        Path data = dir.resolve("data");
        List<String> command = new ArrayList<>(List.of(
                EtcdBinaries.etcd().toString(),
                "--name", name,
                "--data-dir", data.toString(),
                "--listen-client-urls", clientUrl(),
                "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", peerUrl(),
                "--initial-advertise-peer-urls", peerUrl(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", existingData ? "existing" : "new",
                "--initial-cluster-token", "micro-registry-test",
                // Tests need speed, not durability against power loss.
                "--unsafe-no-fsync",
                "--log-level", "warn"));
        if (tls != null) {
            command.addAll(List.of(
                    "--trusted-ca-file", tls[0].toString(),
                    "--cert-file", tls[1].toString(),
                    "--key-file", tls[2].toString(),
                    "--client-cert-auth",
                    "--listen-metrics-urls", plainUrl()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        existingData = true;
        LOG.info("started etcd {} (pid {}) on {} (peer {}), dir {}", name, process.pid(), clientUrl(), peerUrl(), dir);
    }

    /** Waits until {@code /health} says true (a leader is elected), or fails with the log's tail. */
    void awaitHealthy() {
        try {
            Awaitility.await("etcd " + name + " healthy on " + clientUrl())
                    .atMost(START_BOUND)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("etcd " + name + " exited with " + process.exitValue()
                                    + "; log:\n" + logTail());
                        }
                        return healthy();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("etcd " + name + " did not become healthy in " + START_BOUND + "; log:\n"
                    + logTail(), e);
        }
    }

    boolean healthy() {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(plainUrl() + "/health").openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1000);
            try (InputStream in = connection.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGTERM and wait for the process to end. */
    void stop() {
        end(false);
    }

    /** SIGKILL and wait for the process to end. */
    void kill() {
        end(true);
    }

    /** Stop, then start again on the same ports with the same data. */
    void restart() {
        stop();
        start();
    }

    /**
     * Stop, wipe the data dir, start again on the same ports: a new, empty etcd whose
     * revisions start over. Only for a single-member server.
     */
    void restartWithDataLoss() {
        stop();
        deleteTree(dir.resolve("data"));
        existingData = false;
        start();
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
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LOG.info("{} etcd {} (pid {})", force ? "killed" : "stopped", name, process.pid());
    }

    /** Kills the process (SIGKILL), waits for it to end and deletes its temp dir. Idempotent. */
    @Override
    public void close() {
        kill();
        deleteTree(dir);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

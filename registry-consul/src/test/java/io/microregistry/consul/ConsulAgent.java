package io.microregistry.consul;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
import java.util.stream.Stream;

/**
 * A real {@code consul agent -dev} on free loopback ports (HTTP, server RPC, serf LAN and WAN;
 * DNS and gRPC off), from the binary that {@code tools/fetch-server.sh} unpacked under the
 * {@code servers.dir} system property. Can stop, kill and restart it on the same ports; a dev
 * agent keeps no state across a restart, a {@linkplain #startPersistent() persistent} one keeps
 * its catalog and its local services and checks.
 *
 * <p>Public for other modules' tests (registry-cli, registry-benchmarks, through this module's
 * test-jar): {@link #start()}, {@link #httpAddress()} and {@link #close()}. The caller's build
 * must fetch the binary ({@code tools/fetch-server.sh consul bullseye usr/bin/consul}) and pass
 * {@code servers.dir}. A missing binary or an agent without a leader within 30 s is an
 * {@link IllegalStateException} with the log's tail, never a skip. The caller needs SLF4J on
 * its class path.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class ConsulAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulAgent.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final Path dir;
    private final int httpPort;
    private final int serverPort;
    private final int serfLanPort;
    private final int serfWanPort;
    private final String masterToken;
    private final Tls tls;
    private final int httpsPort;
    /** A server agent that keeps its state in {@code dir/data} across restarts, instead of a dev agent. */
    private final boolean persistent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /** Server TLS files for the HTTPS listener; client certificates are then required on HTTPS. */
    record Tls(Path ca, Path cert, Path key) {
    }

    /**
     * A dev agent without ACLs on free loopback ports, in a new temp dir. Blocks until it has
     * a leader (at most 30 s); fails with {@link IllegalStateException} otherwise.
     */
    public static ConsulAgent start() {
        return start(null);
    }

    /** A dev agent that also serves HTTPS with {@code tls}, requiring client certificates there. */
    static ConsulAgent startWithTls(Tls tls) {
        ConsulAgent agent = new ConsulAgent(null, tls, false);
        agent.launch();
        return agent;
    }

    /**
     * A dev agent; with {@code masterToken} set, ACLs are enabled with default policy deny and
     * that token as master (and agent) token.
     */
    static ConsulAgent start(String masterToken) {
        ConsulAgent agent = new ConsulAgent(masterToken, null, false);
        agent.launch();
        return agent;
    }

    /**
     * A single-server agent (bootstrap-expect 1) that keeps its catalog (raft) and its local
     * services and checks in a data dir, so {@link #kill()} + {@link #relaunch()} restores them as
     * a production agent would after a crash.
     */
    static ConsulAgent startPersistent() {
        ConsulAgent agent = new ConsulAgent(null, null, true);
        agent.launch();
        return agent;
    }

    private ConsulAgent(String masterToken, Tls tls, boolean persistent) {
        this.persistent = persistent;
        this.binary = binary();
        this.masterToken = masterToken;
        this.tls = tls;
        try {
            this.dir = persistent ? Files.createTempDirectory(dataRoot(), "consul-agent-")
                    : Files.createTempDirectory("consul-agent-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temp dir for Consul", e);
        }
        int[] ports = freePorts(5);
        this.httpPort = ports[0];
        this.serverPort = ports[1];
        this.serfLanPort = ports[2];
        this.serfWanPort = ports[3];
        this.httpsPort = ports[4];
    }

    /**
     * Where a persistent agent keeps its data: tmpfs where the machine has one. What is under test
     * is a restart of the agent process, which tmpfs survives; the agent's fsyncs (Raft log, every
     * check update) then cost nothing, where on a disk shared with other builds one can stall for
     * longer than a short TTL and fail a liveness contract for the disk's sake.
     */
    private static Path dataRoot() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The Consul binary, which the build fetched; missing is a failure, never a skip. */
    static Path binary() {
        String serversDir = System.getProperty("servers.dir");
        if (serversDir == null || serversDir.isBlank()) {
            throw new IllegalStateException("system property servers.dir is not set: run the tests through Maven "
                    + "(the root pom passes it to surefire)");
        }
        Path binary = Path.of(serversDir, "consul", "usr", "bin", "consul");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no Consul binary at " + binary + ": the build fetches it with "
                    + "tools/fetch-server.sh consul bullseye usr/bin/consul (process-test-resources phase)");
        }
        return binary;
    }

    /** {@code 127.0.0.1:port} of the HTTP API: the address the consul provider takes. */
    public String httpAddress() {
        return "127.0.0.1:" + httpPort;
    }

    /** {@code https://127.0.0.1:port} of the HTTPS API (agents started with TLS only). */
    String httpsAddress() {
        return "https://127.0.0.1:" + httpsPort;
    }

    /** The process id of the running agent. */
    long pid() {
        return process.pid();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "agent"));
        if (persistent) {
            command.addAll(List.of("-server", "-bootstrap-expect", "1", "-data-dir", dir.resolve("data").toString(),
                    // Production Raft timings are 5x slower; one server on loopback needs no slack, and a
                    // restart then has its leader again in about a second rather than several.
                    "-hcl", "performance { raft_multiplier = 1 }"));
        } else {
            command.add("-dev");
        }
        command.addAll(List.of("-node", "micro-registry-test",
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
                "-http-port", Integer.toString(httpPort),
                "-server-port", Integer.toString(serverPort),
                "-serf-lan-port", Integer.toString(serfLanPort),
                "-serf-wan-port", Integer.toString(serfWanPort),
                "-dns-port", "-1", "-grpc-port", "-1",
                "-log-level", "info"));
        if (masterToken != null) {
            Path config = dir.resolve("acl.hcl");
            try {
                Files.writeString(config, """
                        acl {
                          enabled = true
                          default_policy = "deny"
                          enable_token_persistence = false
                          tokens {
                            master = "%s"
                            agent = "%s"
                          }
                        }
                        """.formatted(masterToken, masterToken));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the Consul ACL config", e);
            }
            command.add("-config-file");
            command.add(config.toString());
        }
        if (tls != null) {
            Path config = dir.resolve("tls.hcl");
            try {
                Files.writeString(config, """
                        ports { https = %d }
                        ca_file = "%s"
                        cert_file = "%s"
                        key_file = "%s"
                        verify_incoming_https = true
                        """.formatted(httpsPort, tls.ca(), tls.cert(), tls.key()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the Consul TLS config", e);
            }
            command.add("-config-file");
            command.add(config.toString());
        }
        Path log = dir.resolve("consul-" + (++starts) + ".log");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary, e);
        }
        awaitLeader(log);
        LOG.info("Consul {} agent up on {} (pid {}, log {})", persistent ? "persistent" : "dev", httpAddress(),
                process.pid(), log);
    }

    private void awaitLeader(Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + httpAddress() + "/v1/status/leader"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Consul exited with " + process.exitValue() + " at start; see " + log
                        + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                // The answer is the leader's address in quotes, or "" while there is none.
                if (response.statusCode() == 200 && response.body().length() > 2) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Consul", e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Consul", e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("Consul on " + httpAddress() + " had no leader after " + START_TIMEOUT
                + "; see " + log + ":\n" + tail(log));
    }

    /** Stops the agent (SIGTERM) and waits for it to exit. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            awaitExit();
        }
    }

    /** Kills the agent (SIGKILL) and waits for it to exit. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /**
     * Starts the agent again on the same ports after {@link #stop()} or {@link #kill()}; a
     * persistent agent restores its data. Returns once it has a leader.
     */
    void relaunch() {
        launch();
    }

    /**
     * Stops the agent (SIGTERM) and starts it again on the same ports: a dev agent starts empty, a
     * persistent one with its data. Returns once it has a leader.
     */
    void restart() {
        stop();
        launch();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Kills the agent (SIGKILL), waits for it to exit and deletes its temp dir. Idempotent. */
    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not remove {}", dir, e);
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

    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("cannot find free loopback ports", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}

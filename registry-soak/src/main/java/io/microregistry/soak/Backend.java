package io.microregistry.soak;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How to run one backend's server as a process of its own: its command line on fixed loopback
 * ports and a data dir, and how to tell it is ready. The soak owns these processes (rather
 * than the backend modules' test fixtures) because it must SIGKILL, SIGSTOP and wipe them.
 */
enum Backend {
    /** etcd 3.5, single member, from {@code servers.dir/etcd-server}. */
    ETCD("etcd") {
        @Override
        List<String> command(Path data, int[] ports) {
            String client = "http://127.0.0.1:" + ports[0];
            String peer = "http://127.0.0.1:" + ports[1];
            return List.of(binary("etcd-server", "etcd").toString(),
                    "--name", "soak", "--data-dir", data.toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "soak=" + peer, "--initial-cluster-state", "new",
                    "--unsafe-no-fsync", "--log-level", "warn");
        }

        @Override
        boolean ready(int[] ports) {
            return Probes.httpContains("http://127.0.0.1:" + ports[0] + "/health", "\"health\":\"true\"");
        }
    },
    /**
     * Consul 1.8 as a single server agent with a data dir (not {@code -dev}, which keeps nothing
     * across a restart): a restart then restores the agent's services and the Raft state, as in
     * production.
     */
    CONSUL("consul") {
        @Override
        List<String> command(Path data, int[] ports) {
            return List.of(binary("consul", "consul").toString(), "agent", "-server", "-bootstrap-expect", "1",
                    "-data-dir", data.toString(), "-node", "soak",
                    "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
                    "-http-port", Integer.toString(ports[0]), "-server-port", Integer.toString(ports[1]),
                    "-serf-lan-port", Integer.toString(ports[2]), "-serf-wan-port", Integer.toString(ports[3]),
                    "-dns-port", "-1", "-grpc-port", "-1",
                    // Production Raft timings are 5x slower; one server on loopback needs no slack.
                    "-hcl", "performance { raft_multiplier = 1 }",
                    "-log-level", "info");
        }

        @Override
        boolean ready(int[] ports) {
            return Probes.httpContains("http://127.0.0.1:" + ports[0] + "/v1/status/leader", ":");
        }
    },
    /**
     * ZooKeeper 3.9 standalone, run as {@code ZooKeeperServerMain} in a child JVM from the
     * zookeeper jar on this class path, tickTime 250 ms (as the module's tests use).
     */
    ZOOKEEPER("zookeeper") {
        @Override
        List<String> command(Path data, int[] ports) {
            Path config = data.resolveSibling("zoo.cfg");
            Probes.write(config, String.join("\n",
                    "tickTime=250",
                    "dataDir=" + data,
                    "clientPort=" + ports[0],
                    "clientPortAddress=127.0.0.1",
                    "maxSessionTimeout=60000",
                    "admin.enableServer=false",
                    "4lw.commands.whitelist=ruok",
                    "forceSync=no",
                    ""));
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "org.apache.zookeeper.server.ZooKeeperServerMain", config.toString());
        }

        @Override
        boolean ready(int[] ports) {
            return Probes.fourLetterWord(ports[0], "ruok", "imok");
        }
    };

    private final String provider;

    Backend(String provider) {
        this.provider = provider;
    }

    /** The registry provider name ({@code MICRO_REGISTRY}). */
    String provider() {
        return provider;
    }

    /** The server's command line; {@code ports[0]} is the client port. */
    abstract List<String> command(Path data, int[] ports);

    /** Whether the server answers and can serve writes. Never throws. */
    abstract boolean ready(int[] ports);

    /** How many ports {@link #command} uses. */
    int portCount() {
        return 4;
    }

    static Backend parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    static Path binary(String pkg, String name) {
        String serversDir = System.getProperty("servers.dir");
        if (serversDir == null || serversDir.isBlank()) {
            throw new IllegalStateException("system property servers.dir is not set: run through Maven");
        }
        Path binary = Path.of(serversDir, pkg, "usr", "bin", name);
        if (!binary.toFile().canExecute()) {
            throw new IllegalStateException("no " + name + " binary at " + binary
                    + ": the build fetches it with tools/fetch-server.sh");
        }
        return binary;
    }

    static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
    }
}

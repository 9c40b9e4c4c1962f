package io.microregistry.zookeeper;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A real standalone ZooKeeper server in this JVM (Curator's {@link TestingServer}) on a free
 * loopback port, for tests of this module and, through its test-jar, of the command line tool
 * and the benchmarks.
 *
 * <p>Settings that matter for timings: {@code tickTime} 250 ms, so sessions expire within a
 * quarter second of their timeout and {@code minSessionTimeout} (default two ticks, 500 ms)
 * lets a 2 s TTL be taken as asked; {@code maxSessionTimeout} 60 s so the default 15 s TTL is
 * not cut down. Production servers usually run {@code tickTime} 2000, i.e. sessions of at
 * least 4 s. The admin server is off.
 *
 * <p>{@link #start()} blocks until the server accepts connections; a server that cannot start
 * is an {@link IllegalStateException}, never a skip. Not thread-safe: one test thread drives
 * it. The caller needs {@code curator-test} on its class path (a test-jar does not bring this
 * module's test dependencies).
 */
public final class ZookeeperServer implements AutoCloseable {

    static final int TICK_TIME_MS = 250;

    private TestingServer server;

    private ZookeeperServer(TestingServer server) {
        this.server = server;
    }

    /** A server with the timings described above, started and accepting connections. */
    public static ZookeeperServer start() {
        try {
            return new ZookeeperServer(new TestingServer(spec(-1, -1), true));
        } catch (Exception e) {
            throw new IllegalStateException("could not start an in-process ZooKeeper server", e);
        }
    }

    /** A loopback-only instance spec; {@code -1} picks a free port / server id. */
    static InstanceSpec spec(int port, int serverId) {
        return spec(port, serverId, TICK_TIME_MS);
    }

    /** A loopback-only instance spec with the given tick. */
    static InstanceSpec spec(int port, int serverId, int tickTimeMs) {
        Map<String, Object> properties = Map.of(
                "clientPortAddress", "127.0.0.1",
                "maxSessionTimeout", "60000",
                "admin.enableServer", "false");
        return new InstanceSpec(null, port, -1, -1, true, serverId, tickTimeMs, -1, properties, "127.0.0.1");
    }

    /** {@code 127.0.0.1:port}, the connect string the provider takes as its address. */
    public String connectString() {
        return "127.0.0.1:" + server.getPort();
    }

    /** Stops the server and starts it again on the same port with the same data; blocks until it runs. */
    void restart() {
        try {
            server.restart();
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the ZooKeeper server", e);
        }
    }

    /**
     * Stops the server, deletes its data and starts an empty one on the same port, as an
     * operator who lost the disk would; blocks until it runs.
     */
    void restartWiped() {
        int port = server.getPort();
        try {
            server.close();
            server = new TestingServer(spec(port, -1), true);
        } catch (Exception e) {
            throw new IllegalStateException("could not restart the ZooKeeper server with its data wiped", e);
        }
    }

    /** Stops the server, keeping its data, until {@link #start()}ed again; blocks until stopped. */
    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a {@link #stop()}ped server again on the same port with the same data. */
    void startAgain() {
        try {
            server.restart();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the ZooKeeper server again", e);
        }
    }

    /** Stops the server and deletes its data; blocks until it has stopped. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

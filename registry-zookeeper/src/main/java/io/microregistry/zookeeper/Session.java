package io.microregistry.zookeeper;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.backend.DaemonThreads;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One ZooKeeper session, through its own Curator client, with a requested session timeout.
 * The session timeout is what a registration TTL maps onto: the server expires the session
 * (and deletes its ephemeral znodes) that long after it last heard from this client.
 *
 * <p>Curator reconnects on its own and, after the session expired, opens a new one; owners of
 * ephemeral znodes listen for that through {@link #addListener}. Every call made through
 * {@link #client()} is bounded: Curator retries connection loss until the configured timeout
 * has elapsed, and each ZooKeeper request times out after it too.
 *
 * <p><b>A server that lost its data.</b> A ZooKeeper server refuses a session whose client
 * has seen a newer transaction than its own history holds (it was wiped, or restored from an
 * older snapshot), and the ZooKeeper client keeps offering that session until it times out:
 * 15 s of silence for the default TTL. So while disconnected for more than a second, this
 * session probes the servers with a fresh handle; if one answers with a history older than
 * what this client saw, the old session cannot come back and a new one is started at once
 * (as after an expiry), so registrations and watches return within a second or two.
 *
 * <p>Thread-safe.
 */
final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** How long a disconnection lasts before the servers are probed, and between probes. */
    private static final long PROBE_AFTER_MS = 1_000;

    private final String label;
    private final ConnectSettings settings;
    private final int requestedTimeoutMs;
    private final CuratorFramework client;
    /** Curator's listener thread; Curator never shuts down one it made itself, so we own it. */
    private final ExecutorService notifications;
    private volatile AbandonableZooKeeper handle;
    private volatile boolean abandoned;
    private volatile long loggedSession;
    private final ScheduledExecutorService probes;
    private volatile boolean probing;
    private volatile boolean closed;

    /**
     * @param label          names the session in logs and thread names, e.g. {@code ttl-2s}
     * @param sessionTimeout what to ask the server for; it may negotiate it into its
     *                       {@code [minSessionTimeout, maxSessionTimeout]} range
     */
    Session(String label, ConnectSettings settings, AccessPolicy access, Duration sessionTimeout,
            ScheduledExecutorService probes) {
        this.label = label;
        this.probes = probes;
        this.settings = settings;
        this.requestedTimeoutMs = (int) Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis());
        int callTimeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        ZKClientConfig zkConfig = new ZKClientConfig();
        // No ZooKeeper request may block forever, whatever the server does.
        zkConfig.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(callTimeoutMs));
        // Digest auth only; without this the client looks for a JAAS file on every connect.
        zkConfig.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        this.notifications = Executors.newSingleThreadExecutor(
                new DaemonThreads("micro-registry-zk-" + label + "-events"));
        this.client = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(requestedTimeoutMs)
                // Curator waits this long for a connection per attempt; past the session timeout
                // the session is gone anyway, and the retry policy still spans the call timeout.
                .connectionTimeoutMs(Math.min(callTimeoutMs, requestedTimeoutMs))
                .retryPolicy(new RetryUntilElapsed(callTimeoutMs, 100))
                .aclProvider(access)
                .authorization(access.authInfos())
                // Connect where the user said; do not follow the ensemble's own idea of its members.
                .ensembleTracker(false)
                .zkClientConfig(zkConfig)
                .zookeeperFactory(new HandleFactory())
                .threadFactory(new DaemonThreads("micro-registry-zk-" + label))
                .runSafeService(notifications)
                .build();
        client.getConnectionStateListenable().addListener(this::logState);
    }

    /** Starts connecting in the background. */
    void start() {
        client.start();
    }

    /** The Curator client of this session. */
    CuratorFramework client() {
        return client;
    }

    String label() {
        return label;
    }

    /** Calls {@code listener} on every connection state change (on Curator's event thread). */
    void addListener(ConnectionStateListener listener) {
        client.getConnectionStateListenable().addListener(listener);
    }

    /** Stops calling {@code listener}. */
    void removeListener(ConnectionStateListener listener) {
        client.getConnectionStateListenable().removeListener(listener);
    }

    /**
     * Waits up to the call timeout for a connection and returns the current session id.
     *
     * @throws RegistryUnavailableException if not connected in time
     */
    long connectedSessionId() throws InterruptedException {
        if (!client.blockUntilConnected((int) settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new RegistryUnavailableException("not connected to ZooKeeper at " + settings.connectString()
                    + " within " + settings.timeout(), null);
        }
        return currentSessionId();
    }

    /** The current session id, 0 while none is established. */
    long currentSessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return 0;
        }
    }

    /** The live ZooKeeper handle, for tests (finding the server it talks to, expiring it). */
    ZooKeeper zooKeeper() throws Exception {
        return client.getZookeeperClient().getZooKeeper();
    }

    /**
     * Stops as a crashed process would: no {@code closeSession}, so the server deletes this
     * session's ephemeral znodes only when the session times out.
     */
    void abandon() {
        abandoned = true;
        closed = true;
        AbandonableZooKeeper current = handle;
        if (current != null) {
            current.abandon();
        }
        client.close();
        notifications.shutdown();
    }

    /** Closes the session; ZooKeeper deletes its ephemeral znodes as part of closing it. */
    @Override
    public void close() {
        closed = true;
        try {
            client.close();
        } finally {
            notifications.shutdown();
        }
    }

    private void logState(CuratorFramework ignored, ConnectionState state) {
        if (abandoned) {
            return;
        }
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                long id = currentSessionId();
                int negotiated = negotiatedTimeoutMs();
                if (id != loggedSession) {
                    loggedSession = id;
                    LOG.info("ZooKeeper session {} {} to {}: session 0x{}, timeout {} ms", label,
                            state == ConnectionState.CONNECTED ? "connected" : "re-established",
                            settings.connectString(), Long.toHexString(id), negotiated);
                    if (negotiated > requestedTimeoutMs) {
                        LOG.warn("ZooKeeper session {}: the server raised the session timeout from {} ms to {} ms"
                                + " (its minSessionTimeout): a dead registrant's nodes linger up to {} ms",
                                label, requestedTimeoutMs, negotiated, negotiated);
                    }
                } else {
                    LOG.info("ZooKeeper session {} reconnected to {}: same session 0x{}", label,
                            settings.connectString(), Long.toHexString(id));
                }
            }
            case SUSPENDED -> {
                LOG.warn("ZooKeeper session {}: connection to {} lost, reconnecting", label,
                        settings.connectString());
                startProbing();
            }
            case LOST -> {
                LOG.warn("ZooKeeper session {}: session lost (expired or unreachable for its timeout);"
                        + " a new one will be opened", label);
                startProbing();
            }
            default -> LOG.debug("ZooKeeper session {}: {}", label, state);
        }
    }

    private void startProbing() {
        if (!probing && !closed) {
            probing = true;
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        try {
            probes.schedule(this::probe, PROBE_AFTER_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            probing = false; // the registry is closing
        }
    }

    /**
     * While disconnected: if a server answers a fresh handle with a history older than the
     * one this session saw, ends the session on the client side (see the class comment).
     */
    private void probe() {
        AbandonableZooKeeper current = handle;
        if (closed || current == null || client.getZookeeperClient().isConnected()) {
            probing = false;
            return;
        }
        long ours = current.lastZxidSeen();
        long theirs = serverZxid();
        if (theirs >= 0 && theirs < ours && handle == current && !client.getZookeeperClient().isConnected()) {
            probing = false;
            LOG.warn("ZooKeeper session {}: the server at {} has an older history (last transaction 0x{}) than"
                    + " this client saw (0x{}): it lost its data, so it refuses session 0x{}; starting a new"
                    + " session now instead of waiting for that one to time out", label, settings.connectString(),
                    Long.toHexString(theirs), Long.toHexString(ours), Long.toHexString(current.getSessionId()));
            current.getTestable().injectSessionExpiration();
            return;
        }
        scheduleProbe();
    }

    /**
     * The newest transaction of the server a fresh handle reaches (synced with its leader),
     * or -1 if none answers within a second or two. The probe's own session is closed again.
     */
    private long serverZxid() {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        CountDownLatch connected = new CountDownLatch(1);
        long waitMs = Math.min(2_000, settings.timeout().toMillis());
        AbandonableZooKeeper probe = null;
        try {
            probe = new AbandonableZooKeeper(settings.connectString(), (int) Math.max(4_000, waitMs), event -> {
                if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            }, false, config);
            if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
                return -1;
            }
            CountDownLatch synced = new CountDownLatch(1);
            probe.sync("/", (rc, path, ctx) -> synced.countDown(), null);
            if (!synced.await(waitMs, TimeUnit.MILLISECONDS)) {
                return -1;
            }
            probe.exists("/", false);
            return probe.lastZxidSeen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        } finally {
            if (probe != null) {
                try {
                    probe.close(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private int negotiatedTimeoutMs() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionTimeout();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Builds the handles Curator asks for, remembering the current one for {@link #abandon()}. */
    private final class HandleFactory implements ZookeeperFactory {
        @Override
        public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher,
                                      boolean canBeReadOnly) throws Exception {
            return newZooKeeper(connectString, sessionTimeout, watcher, canBeReadOnly, new ZKClientConfig());
        }

        @Override
        public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher,
                                      boolean canBeReadOnly, ZKClientConfig config) throws IOException {
            if (abandoned) {
                // An abandoned client must not open a new session behind the test's back.
                throw new IOException("ZooKeeper session " + label + " was abandoned");
            }
            AbandonableZooKeeper created = new AbandonableZooKeeper(connectString, sessionTimeout, watcher,
                    canBeReadOnly, config == null ? new ZKClientConfig() : config);
            handle = created;
            return created;
        }
    }
}

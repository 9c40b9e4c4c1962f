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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Thread-safe.
 */
final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final String label;
    private final ConnectSettings settings;
    private final int requestedTimeoutMs;
    private final CuratorFramework client;
    /** Curator's listener thread; Curator never shuts down one it made itself, so we own it. */
    private final ExecutorService notifications;
    private volatile AbandonableZooKeeper handle;
    private volatile boolean abandoned;
    private volatile long loggedSession;

    /**
     * @param label          names the session in logs and thread names, e.g. {@code ttl-2s}
     * @param sessionTimeout what to ask the server for; it may negotiate it into its
     *                       {@code [minSessionTimeout, maxSessionTimeout]} range
     */
    Session(String label, ConnectSettings settings, AccessPolicy access, Duration sessionTimeout) {
        this.label = label;
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
            case SUSPENDED -> LOG.warn("ZooKeeper session {}: connection to {} lost, reconnecting", label,
                    settings.connectString());
            case LOST -> LOG.warn("ZooKeeper session {}: session lost (expired or unreachable for its timeout);"
                    + " a new one will be opened", label);
            default -> LOG.debug("ZooKeeper session {}: {}", label, state);
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

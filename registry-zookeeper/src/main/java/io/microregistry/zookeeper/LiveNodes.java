package io.microregistry.zookeeper;

import io.microregistry.RegistryException;
import io.microregistry.backend.Backoff;
import io.microregistry.backend.KeyLocks;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ephemeral znodes one {@link Session} keeps alive, and their liveness across session loss.
 *
 * <p>Each znode is remembered with the session it was last written in. After a plain
 * reconnect the session is the same, its znodes are still on the server and nothing is
 * written (no churn for watchers). After the session expired Curator opens a new one; then
 * every znode is written again. If the old session's znode is still there (the server has
 * not noticed the expiry yet, or another client holds the path), it is deleted and
 * re-created in one transaction, so lookups never see a gap (watchers do see a DELETE and
 * a CREATE: the znode's owner changed). A failed re-creation is retried
 * with {@link Backoff} until it succeeds or the client closes.
 *
 * <p>Thread-safe: writers of one path are serialised by {@link KeyLocks}; the reconcile
 * loop runs on the client's scheduler.
 */
final class LiveNodes {
    private static final Logger LOG = LoggerFactory.getLogger(LiveNodes.class);
    /** Races lost in a row (someone else writing the same path) before a write gives up. */
    private static final int MAX_RACES = 10;

    /** What a znode should hold, and the session it was last written in (0: not yet). */
    private record Entry(byte[] data, long writtenIn) {
    }

    private final Session session;
    private final KeyLocks locks;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Entry> nodes = new ConcurrentHashMap<>();
    private final Object reconcileLock = new Object();
    private int failures;
    private volatile boolean stopped;
    private volatile boolean rootEnsured;

    LiveNodes(Session session, KeyLocks locks, ScheduledExecutorService scheduler) {
        this.session = session;
        this.locks = locks;
        this.scheduler = scheduler;
        session.addListener((client, state) -> {
            if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
                schedule(0);
            }
        });
    }

    Session session() {
        return session;
    }

    /**
     * Writes {@code data} at {@code path} as an ephemeral znode of this session and keeps it
     * alive. Caller holds {@link KeyLocks#of(String) the path's lock}.
     */
    void put(String path, byte[] data) throws Exception {
        long written = write(path, data);
        nodes.put(path, new Entry(data, written));
        if (written != session.currentSessionId()) {
            // The session changed under the write: make sure the new one gets the znode too.
            schedule(0);
        }
    }

    /** What this session keeps at {@code path}, or null. Caller holds the path's lock. */
    byte[] data(String path) {
        Entry entry = nodes.get(path);
        return entry == null ? null : entry.data();
    }

    /** Stops keeping {@code path} alive; does not delete it. Caller holds the path's lock. */
    void forget(String path) {
        nodes.remove(path);
    }

    /**
     * Whether this session keeps no znode alive. Only {@link #put} adds one, so once nobody
     * is about to call it, an empty answer stays true.
     */
    boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** Stops re-creating znodes (before close or abandon). */
    void stop() {
        stopped = true;
    }

    /**
     * Makes {@code path} hold {@code data} as an ephemeral znode of the current session.
     *
     * @return the session id it was written in
     */
    private long write(String path, byte[] data) throws Exception {
        CuratorFramework client = session.client();
        for (int race = 0; race < MAX_RACES; race++) {
            long sessionId = session.connectedSessionId();
            Stat stat = new Stat();
            byte[] current;
            try {
                current = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                ensureRoot(client);
                try {
                    client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                            .forPath(path, data);
                    return sessionId;
                } catch (KeeperException.NodeExistsException | KeeperException.NoNodeException raced) {
                    // Someone created it meanwhile, or a container parent was reaped: look again.
                    continue;
                }
            }
            try {
                if (stat.getEphemeralOwner() == sessionId) {
                    if (!Arrays.equals(current, data)) {
                        client.setData().withVersion(stat.getVersion()).forPath(path, data);
                    }
                    return sessionId;
                }
                // A persistent znode (go-micro), another client's, or our expired session's:
                // replace it atomically so the path never looks empty to readers.
                client.transaction().forOperations(
                        client.transactionOp().delete().withVersion(stat.getVersion()).forPath(path),
                        client.transactionOp().create().withMode(CreateMode.EPHEMERAL).forPath(path, data));
                return sessionId;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                     | KeeperException.NodeExistsException raced) {
                continue;
            }
        }
        throw new RegistryException("gave up writing " + path + " after losing " + MAX_RACES
                + " races with other writers of the same path");
    }

    /**
     * Creates {@code /micro-registry} as a PERSISTENT znode, as go-micro does. Service
     * directories below it are containers, which ZooKeeper removes once empty; the root must
     * not vanish under go-micro readers, which expect it to exist.
     */
    private void ensureRoot(CuratorFramework client) throws Exception {
        if (rootEnsured) {
            return;
        }
        try {
            client.create().withMode(CreateMode.PERSISTENT).forPath(ZookeeperPaths.ROOT);
        } catch (KeeperException.NodeExistsException e) {
            // Someone (go-micro, another client) was first: fine.
        }
        rootEnsured = true;
    }

    private void schedule(long delayMillis) {
        if (stopped) {
            return;
        }
        try {
            scheduler.schedule(this::reconcile, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The client is closing.
        }
    }

    /** Writes again every znode not yet written in the current session. */
    private void reconcile() {
        synchronized (reconcileLock) {
            if (stopped || nodes.isEmpty()) {
                return;
            }
            long sessionId = session.currentSessionId();
            if (sessionId == 0 || nodes.values().stream().allMatch(e -> e.writtenIn() == sessionId)) {
                return;
            }
            int rewritten = 0;
            try {
                for (String path : nodes.keySet()) {
                    synchronized (locks.of(path)) {
                        Entry entry = nodes.get(path);
                        if (stopped || entry == null || entry.writtenIn() == session.currentSessionId()) {
                            continue;
                        }
                        long written = write(path, entry.data());
                        nodes.put(path, new Entry(entry.data(), written));
                        rewritten++;
                    }
                }
                failures = 0;
                if (rewritten > 0) {
                    LOG.info("ZooKeeper session {}: re-registered {} node(s) in session 0x{}", session.label(),
                            rewritten, Long.toHexString(session.currentSessionId()));
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long delay = Backoff.DEFAULT.delay(failures++).toMillis();
                if (!stopped) {
                    LOG.warn("ZooKeeper session {}: re-registration failed after {} node(s), retrying in {} ms: {}",
                            session.label(), rewritten, delay, e.toString());
                }
                schedule(delay);
            }
        }
    }
}

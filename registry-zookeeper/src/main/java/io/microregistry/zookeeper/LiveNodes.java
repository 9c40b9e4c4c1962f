package io.microregistry.zookeeper;

import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.backend.KeyLocks;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.ServiceJson;
import io.microregistry.metrics.RegistryObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link LivenessGroup} of one TTL class: the ephemeral znodes one {@link Session} keeps
 * alive, and their liveness across session loss.
 *
 * <p>Each znode is remembered with the session it was last written in. After a plain
 * reconnect the session is the same, its znodes are still on the server and nothing is
 * written (no churn for watchers). After the session expired Curator opens a new one; then
 * every znode is written again. If the old session's znode is still there (the server has
 * not noticed the expiry yet, or another client holds the path), it is deleted and
 * re-created in one transaction, so lookups never see a gap (watchers do see a DELETE and
 * a CREATE: the znode's owner changed). A failed re-creation is retried
 * with {@link Backoff} until it succeeds or the group closes. Each loss is reported to the
 * client's {@link RegistryObserver} once ({@code livenessLost("session", n)}), and each znode
 * written back after it ({@code writtenBack}), from the recovery thread.
 *
 * <p><b>Writes</b> are one znode each: {@link #put} takes exactly one record (the store's
 * {@link ZookeeperStore#batches batches} are one record each, so the core undoes earlier ones
 * when a later one fails).
 *
 * <p><b>Sessions.</b> A group of the store's main (default-TTL) session leaves that session
 * open when it closes: the store reads and watches through it, and closes it itself. Any
 * other group owns its session: {@link #close close(true)} closes it (ZooKeeper deletes its
 * ephemeral znodes as part of closing it), {@code close(false)} drops it as a crash would.
 *
 * <p>Thread-safe: writers of one path (the core, and every group's reconcile loop) are
 * serialised by the store's {@link KeyLocks}; the reconcile loop runs on the store's scheduler.
 */
final class LiveNodes implements LivenessGroup {
    private static final Logger LOG = LoggerFactory.getLogger(LiveNodes.class);
    /** Races lost in a row (someone else writing the same path) before a write gives up. */
    private static final int MAX_RACES = 10;

    /** The record a znode should hold, its bytes, and the session it was last written in (0: not yet). */
    private record Entry(Service record, byte[] data, long writtenIn) {
    }

    private final ZookeeperStore store;
    private final Session session;
    private final boolean main;
    private final KeyLocks locks;
    private final RegistryObserver observer;
    private final Map<String, Entry> nodes = new ConcurrentHashMap<>();
    private final Object reconcileLock = new Object();
    private final ConnectionStateListener reconnects = (client, state) -> {
        if (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) {
            schedule(0);
        }
    };
    private int failures;
    /** The session whose loss of the one before was reported last. Under {@link #reconcileLock}. */
    private long lossReported;
    private volatile boolean stopped;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean rootEnsured;

    /**
     * @param main     whether {@code session} is the store's main session, which outlives this group
     * @param observer told of each session loss and each znode written back after it
     */
    LiveNodes(ZookeeperStore store, Session session, boolean main, RegistryObserver observer) {
        this.store = store;
        this.session = session;
        this.main = main;
        this.locks = store.locks();
        this.observer = observer;
        session.addListener(reconnects);
    }

    Session session() {
        return session;
    }

    /**
     * Writes the record as an ephemeral znode of this session at its
     * {@link ZookeeperPaths#node path} and keeps it alive; a znode already there is replaced
     * (in place if this session owns it, in one transaction otherwise).
     *
     * @throws IllegalArgumentException unless {@code records} holds exactly one record
     */
    @Override
    public void put(List<Service> records) {
        if (records.size() != 1) {
            throw new IllegalArgumentException("a ZooKeeper write is one znode: put takes one record, not "
                    + records.size() + " (see ZookeeperStore.batches)");
        }
        Service record = records.get(0);
        String nodeId = record.nodes().get(0).id();
        String path = store.paths().node(record.name(), nodeId);
        byte[] data = ServiceJson.encode(record);
        synchronized (locks.of(path)) {
            long written;
            try {
                written = write(path, data);
            } catch (Exception e) {
                throw store.translate(e, "register " + record.name() + "/" + nodeId);
            }
            nodes.put(path, new Entry(record, data, written));
            if (written != session.currentSessionId()) {
                // The session changed under the write: make sure the new one gets the znode too.
                schedule(0);
            }
        }
    }

    /**
     * Deletes the node's znode if it holds that node (see {@link ZookeeperStore#deleteIfHolding})
     * and stops keeping it, both under the path's lock.
     *
     * <p>This group stops keeping the path alive only once the znode is known not to hold the
     * node any more (deleted now, or found absent). If the delete fails, the path stays kept
     * and the failure propagates: the node is still registered, is re-created after a session
     * expiry like any other, and a retried deregister deletes it. Forgetting first would
     * leave a znode nobody keeps any more in a session that may live as long as the client.
     *
     * <p>Why a successful delete cannot be undone by session recovery: the reconcile loop
     * re-creates a path only while holding the same path lock and only if it still
     * remembers the path. A re-creation that started earlier has finished before this
     * method got the lock (so the delete's read sees its znode, and the versioned delete
     * removes exactly that); one that starts later finds the path forgotten, because the
     * forget happens before this lock is released.
     */
    @Override
    public void remove(String serviceName, String nodeId) {
        String path = store.paths().node(serviceName, nodeId);
        synchronized (locks.of(path)) {
            try {
                store.deleteIfHolding(path, serviceName, nodeId);
            } catch (Exception e) {
                throw store.translate(e, "deregister " + serviceName + "/" + nodeId);
            }
            nodes.remove(path);
        }
    }

    /** Stops keeping the node alive, under its path's lock; does not delete it. */
    @Override
    public Optional<Service> forget(String serviceName, String nodeId) {
        String path = store.paths().node(serviceName, nodeId);
        synchronized (locks.of(path)) {
            return Optional.ofNullable(nodes.remove(path)).map(Entry::record);
        }
    }

    /**
     * Keeps the record again. It counts as not yet written in the current session, so the
     * reconcile loop checks it once (one read; it writes only if the znode is not this
     * session's with this record).
     */
    @Override
    public void remember(Service record) {
        String path = store.paths().node(record.name(), record.nodes().get(0).id());
        synchronized (locks.of(path)) {
            nodes.put(path, new Entry(record, ServiceJson.encode(record), 0));
        }
        schedule(0);
    }

    /** Whether this group keeps no znode alive. */
    @Override
    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /**
     * Stops keeping and re-creating znodes. A group of its own session then closes it with
     * {@code release} (its znodes vanish now) or drops it without (they vanish when the server
     * expires the session); the main session is left to the store, or dropped without
     * {@code release}.
     */
    @Override
    public void close(boolean release) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stopped = true;
        session.removeListener(reconnects);
        nodes.clear();
        store.closed(this);
        if (!release) {
            session.abandon();
            LOG.info("ZooKeeper session {} abandoned: its nodes vanish when the server expires it", session.label());
        } else if (!main) {
            try {
                session.close();
                LOG.info("ZooKeeper session {} closed", session.label());
            } catch (RuntimeException e) {
                LOG.warn("closing ZooKeeper session {} failed; its nodes expire with the session: {}",
                        session.label(), e.toString());
            }
        }
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
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(store.paths().root());
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
            store.scheduler().schedule(this::reconcile, delayMillis, TimeUnit.MILLISECONDS);
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
            // Written in an earlier session: lost with it (not just remembered, or never written).
            long lost = nodes.values().stream().filter(e -> e.writtenIn() != 0 && e.writtenIn() != sessionId).count();
            if (lost > 0 && lossReported != sessionId) {
                lossReported = sessionId;
                observer.livenessLost("session", (int) lost);
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
                        nodes.put(path, new Entry(entry.record(), entry.data(), written));
                        rewritten++;
                        if (entry.writtenIn() != 0) {
                            observer.writtenBack(entry.record().name(), entry.record().nodes().get(0).id());
                        }
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

package io.microregistry.zookeeper;

import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.SnapshotDiff;
import io.microregistry.backend.WatchSink;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.WatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One store watch ({@link io.microregistry.backend.RegistryStore#watch}): a persistent recursive
 * ZooKeeper watch over the registry (or one service's directory), turned into per-node events by
 * comparing decoded records and pushed to the core's {@link WatchSink}.
 *
 * <p><b>Never quietly stale.</b> ZooKeeper tells that a znode changed, not what it holds, and
 * tells nothing while disconnected. So every notification is followed by a read of the
 * znode's current data, and every (re)connection — same session or a new one, after an
 * outage, an expiry or a server that lost its data — by a full re-read of the watched
 * directories. Both are compared with the last records delivered, <em>by content</em>: a
 * znode re-created after a wipe at the same version as before, with other data, is an UPDATE;
 * a re-read that finds what was already delivered emits nothing. While it cannot follow the
 * server the watch says so: it pushes {@link WatchStatus.State#RESYNCING RESYNCING} from the
 * moment the connection drops, {@link WatchStatus.State#STALE STALE} once that has lasted the call
 * timeout or a re-read failed (retried with {@link Backoff}), each with its cause, and
 * {@link WatchStatus.State#CURRENT CURRENT} once a re-read delivered the difference; one push and
 * one log line per change of state. A lost session is no end: Curator opens a new one and the
 * watch is added to it again. The watch ends on its own only when its client closes while it is
 * still open ({@link ZookeeperStore#close()}, or the watch thread refusing work or being
 * interrupted, which happens only as the client closes); it then pushes
 * {@link WatchSink#broken broken} once and nothing after.
 *
 * <p><b>Merged updates.</b> Because a notification carries no data, quick successive updates of
 * one znode can arrive as one UPDATE holding the latest record; the final state is always
 * delivered.
 *
 * <p><b>Threads and pushes.</b> All reading and every {@link WatchSink#event event} push runs on
 * the client's one watch thread (a single-threaded executor shared by all its watches), in order,
 * so events are never pushed two at once; ZooKeeper's event thread only hands notifications over.
 * {@link WatchSink#status Status} is pushed from the watch thread or from Curator's connection
 * state thread, under one lock, so the sink sees the changes in the order they were made.
 * {@link #close()} only sets a flag and hands the removal of the ZooKeeper watch to the watch
 * thread: it never blocks (it may be called from inside a push, or by a thread holding the lock a
 * push waits for). No push starts once it has been called; one that had already begun on another
 * thread may still complete (the core's sinks ignore it).
 *
 * <p>Thread-safe.
 */
final class ZookeeperWatch implements PrefixWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperWatch.class);

    private final Session session;
    private final CuratorFramework client;
    private final ConnectSettings settings;
    private final RecordDecoder decoder;
    private final DirectoryTrust trust;
    private final ScheduledExecutorService executor;
    private final WatchSink sink;
    /** Told once when this watch ends, closed or broken (the store forgets it). */
    private final Consumer<ZookeeperWatch> onEnd;
    /** Set once by {@link #close()} or {@link #broken}: nothing is pushed after. */
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final String root;
    /** The directories watched; empty for every service. */
    private final Set<String> directories;
    private final String what;
    private final org.apache.zookeeper.Watcher notifications = this::notified;
    private final ConnectionStateListener connection = (c, state) -> connectionChanged(state);
    private final AtomicBoolean retryScheduled = new AtomicBoolean();

    /** znode path to (node id to the last record delivered). Watch thread only. */
    private final Map<String, Map<String, Service>> known = new HashMap<>();
    /** The session the persistent watch was added in. Watch thread only. */
    private long watchedSession;
    /**
     * Trust per directory (see {@link DirectoryTrust}), so a notification costs one read, not
     * two. Safe to keep: a trusted directory's ACL can only be changed by our own identity,
     * and an untrusted one never becomes trusted (its ACL version stays above 0). Dropped when
     * the directory is created or deleted, and at every full re-read. Watch thread only.
     */
    private final Map<String, Boolean> trustedDirectories = new HashMap<>();
    /** Whether the first read, the starting view, is done. Watch thread only. */
    private boolean baselined;
    /** Re-reads failed in a row. Watch thread only. */
    private int failures;
    private final Object statusLock = new Object();
    private volatile WatchStatus status = WatchStatus.current();

    /**
     * @param sink  where the changes and status go
     * @param onEnd told once when the watch ends (closed or broken)
     */
    ZookeeperWatch(Session session, ConnectSettings settings, WatchOptions options, RecordDecoder decoder,
                   DirectoryTrust trust, ScheduledExecutorService executor, WatchSink sink,
                   Consumer<ZookeeperWatch> onEnd) {
        this.session = session;
        this.client = session.client();
        this.settings = settings;
        this.decoder = decoder;
        this.trust = trust;
        this.executor = executor;
        this.root = options.service().map(settings.paths()::watchRoot).orElse(settings.paths().root());
        this.directories = options.service().map(name -> Set.copyOf(settings.paths().serviceDirectories(name)))
                .orElse(Set.of());
        this.what = options.service().map(name -> "service '" + name + "'").orElse("all services");
        this.sink = sink;
        this.onEnd = onEnd;
    }

    /**
     * Adds the watch and reads the current state (the view changes are pushed against); from then
     * on every change is pushed. On failure the watch is closed, having pushed nothing.
     *
     * @return this watch, running
     * @throws RegistryException if that did not succeed within the call timeout
     */
    PrefixWatch start() throws InterruptedException {
        session.addListener(connection);
        Future<?> first;
        try {
            first = executor.submit(() -> {
                resyncOnce();
                return null;
            });
        } catch (RejectedExecutionException e) {
            close();
            throw new RegistryUnavailableException("could not watch " + what + ": the ZooKeeper client at "
                    + settings.connectString() + " is closed", e);
        }
        try {
            first.get(settings.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return this;
        } catch (TimeoutException e) {
            // Closed before the interrupt, so the interrupted first read pushes nothing.
            close();
            first.cancel(true);
            throw new RegistryUnavailableException("could not establish a watch of " + what + " on ZooKeeper at "
                    + settings.connectString() + " within " + settings.timeout(), null);
        } catch (ExecutionException e) {
            close();
            throw BackendErrors.translate(e.getCause() instanceof Exception cause ? cause : e,
                    "watch " + what, settings);
        } catch (InterruptedException e) {
            close();
            throw e;
        }
    }

    // ---- the core's side: the sink, and ending ----

    /**
     * Stops pushing and releases the ZooKeeper watch (on the watch thread). Idempotent, never
     * blocks, never throws.
     */
    @Override
    public void close() {
        end();
    }

    /**
     * The watch can no longer follow the server although nobody closed it (its client is
     * closing): ends it and pushes {@code cause} as {@link WatchSink#broken}, once. Nothing once
     * closed.
     */
    void broken(RegistryException cause) {
        if (end()) {
            LOG.warn("ZooKeeper watch of {} ended: {}", what, cause.getMessage());
            sink.broken(cause);
        }
    }

    /** Marks the watch stopped and releases it; true for the one call that did. */
    private boolean end() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        session.removeListener(connection);
        try {
            executor.execute(this::removeWatch);
        } catch (RejectedExecutionException e) {
            // The client is closing: its session, and the watch with it, goes anyway.
        }
        onEnd.accept(this);
        return true;
    }

    private boolean isStopped() {
        return stopped.get();
    }

    // ---- following the server ----

    /**
     * ZooKeeper's event thread: for a changed node znode, asks for its data at once, so the
     * read sees the znode as close to this change as possible even while the watch thread is
     * busy (answers come back on this thread, in order with later notifications); everything
     * else goes straight to the watch thread.
     */
    private void notified(WatchedEvent event) {
        if (event.getType() == EventType.None || event.getPath() == null || isStopped()) {
            return;
        }
        String path = event.getPath();
        EventType type = event.getType();
        if (type == EventType.NodeDeleted || settings.paths().depth(path) != 2 || !inScope(path)) {
            submit(() -> changed(path, type));
            return;
        }
        try {
            client.getZookeeperClient().getZooKeeper().getData(path, false, (rc, p, ctx, data, stat) -> {
                KeeperException.Code code = KeeperException.Code.get(rc);
                if (code == KeeperException.Code.OK || code == KeeperException.Code.NONODE) {
                    byte[] now = code == KeeperException.Code.OK ? data : null;
                    submit(() -> read(path, now));
                } else {
                    submit(() -> changed(path, type));
                }
            }, null);
        } catch (Exception e) {
            submit(() -> changed(path, type));
        }
    }

    /** A node znode's data as read right after its notification (null: gone by then). */
    private void read(String path, byte[] data) {
        if (isStopped()) {
            return;
        }
        try {
            String dir = path.substring(0, path.lastIndexOf('/'));
            if (data != null && !trusts(dir)) {
                trust.skipped(path);
                return;
            }
            deliver(path, data == null ? Map.of() : decoder.perNode(path, data));
        } catch (Exception e) {
            failed(e, WatchStatus.State.RESYNCING, "read " + path);
        }
    }

    private void connectionChanged(ConnectionState state) {
        if (isStopped()) {
            return;
        }
        switch (state) {
            case SUSPENDED, LOST -> {
                if (status.state() == WatchStatus.State.STALE) {
                    // Already past the timeout: the session ending too changes nothing for the view.
                    return;
                }
                String why = state == ConnectionState.LOST ? "session with ZooKeeper at " + settings.connectString()
                        + " ended" : "connection to ZooKeeper at " + settings.connectString() + " lost";
                setStatus(WatchStatus.State.RESYNCING, new RegistryUnavailableException(why
                        + "; changes are re-read once connected again", null));
                scheduleStaleCheck();
            }
            case CONNECTED, RECONNECTED -> submit(this::resync);
            default -> {
            }
        }
    }

    /** Still not following the server after the call timeout: it is STALE, not merely resyncing. */
    private void scheduleStaleCheck() {
        long timeoutMs = settings.timeout().toMillis();
        try {
            executor.schedule(() -> {
                WatchStatus now = status;
                if (!isStopped() && now.state() == WatchStatus.State.RESYNCING
                        && now.since().plusMillis(timeoutMs).compareTo(Instant.now()) <= 0) {
                    setStatus(WatchStatus.State.STALE, new RegistryUnavailableException("no connection to ZooKeeper at "
                            + settings.connectString() + " for " + settings.timeout() + "; still trying", null));
                }
            }, timeoutMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closing(e);
        }
    }

    /** Re-reads everything and delivers the difference; on failure says STALE and retries with backoff. */
    private void resync() {
        if (isStopped()) {
            return;
        }
        try {
            resyncOnce();
            failures = 0;
            setStatus(WatchStatus.State.CURRENT, null);
        } catch (Exception e) {
            failed(e, WatchStatus.State.STALE, "re-read " + what);
        }
    }

    /**
     * A read for the view failed: says {@code state}, with the cause, and re-reads with backoff.
     * An interrupt only ends this task (the client is closing).
     */
    private void failed(Exception e, WatchStatus.State state, String action) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            broken(new RegistryUnavailableException("watch of " + what + " on ZooKeeper at " + settings.connectString()
                    + " ended: its thread was interrupted (the client is closing)", e));
            return;
        }
        setStatus(state, BackendErrors.translate(e, action, settings));
        scheduleRetry();
    }

    private void scheduleRetry() {
        if (isStopped() || !retryScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.schedule(() -> {
                retryScheduled.set(false);
                resync();
            }, Backoff.DEFAULT.delay(failures++).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            retryScheduled.set(false);
            closing(e);
        }
    }

    /** Adds the watch to the current session if need be, then reads and delivers the difference. */
    private void resyncOnce() throws Exception {
        long sessionId = session.connectedSessionId();
        if (sessionId != watchedSession) {
            // A new session has no watches: the old one's went with it.
            client.getZookeeperClient().getZooKeeper()
                    .addWatch(root, notifications, AddWatchMode.PERSISTENT_RECURSIVE);
            watchedSession = sessionId;
        }
        trustedDirectories.clear();
        Map<String, Map<String, Service>> fresh = readAll();
        if (!baselined) {
            // The view the watch starts from: only changes after it are events.
            known.putAll(fresh);
            baselined = true;
            return;
        }
        Set<String> paths = new HashSet<>(known.keySet());
        paths.addAll(fresh.keySet());
        for (String path : paths) {
            deliver(path, fresh.getOrDefault(path, Map.of()));
        }
    }

    /** One znode (or directory) changed: read what it holds now and deliver the difference. */
    private void changed(String path, EventType type) {
        if (isStopped() || !inScope(path)) {
            return;
        }
        try {
            switch (settings.paths().depth(path)) {
                case 2 -> deliver(path, type == EventType.NodeDeleted ? Map.of() : read(path));
                case 1, 0 -> {
                    trustedDirectories.remove(path);
                    if (type == EventType.NodeDeleted) {
                        // Children are deleted (and reported) first; this only catches up.
                        String prefix = path + "/";
                        for (String gone : List.copyOf(known.keySet())) {
                            if (gone.startsWith(prefix)) {
                                deliver(gone, Map.of());
                            }
                        }
                    }
                }
                default -> {
                }
            }
        } catch (Exception e) {
            // The change is not lost: the re-read after reconnecting (or the retry) picks it up.
            failed(e, WatchStatus.State.RESYNCING, "read " + path);
        }
    }

    private boolean inScope(String path) {
        int depth = settings.paths().depth(path);
        if (directories.isEmpty()) {
            return depth >= 0;
        }
        return switch (depth) {
            case 0 -> true;
            case 1 -> directories.contains(path);
            case 2 -> directories.contains(path.substring(0, path.lastIndexOf('/')));
            default -> false;
        };
    }

    private void deliver(String path, Map<String, Service> after) {
        Map<String, Service> before = after.isEmpty() ? known.remove(path) : known.put(path, after);
        for (WatchEvent event : SnapshotDiff.diff(before == null ? Map.of() : before, after)) {
            if (isStopped()) {
                return;
            }
            sink.event(event);
        }
    }

    /** The records of every watched directory, by znode path. */
    private Map<String, Map<String, Service>> readAll() throws Exception {
        List<String> dirs = new ArrayList<>();
        if (directories.isEmpty()) {
            try {
                for (String child : client.getChildren().forPath(settings.paths().root())) {
                    dirs.add(settings.paths().root() + "/" + child);
                }
            } catch (KeeperException.NoNodeException e) {
                return Map.of();
            }
        } else {
            dirs.addAll(directories);
        }
        Map<String, Map<String, Service>> records = new HashMap<>();
        for (String dir : dirs) {
            List<String> children;
            try {
                children = client.getChildren().forPath(dir);
            } catch (KeeperException.NoNodeException e) {
                continue;
            }
            boolean trusted = children.isEmpty() || trusts(dir);
            for (String child : children) {
                String path = dir + "/" + child;
                if (!trusted) {
                    trust.skipped(path);
                    continue;
                }
                Map<String, Service> perNode = readData(path);
                if (!perNode.isEmpty()) {
                    records.put(path, perNode);
                }
            }
        }
        return records;
    }

    /** The records of one node znode now; empty if it is gone or its directory is not trusted. */
    private Map<String, Service> read(String path) throws Exception {
        String dir = path.substring(0, path.lastIndexOf('/'));
        if (!trusts(dir)) {
            trust.skipped(path);
            return Map.of();
        }
        return readData(path);
    }

    private boolean trusts(String dir) throws Exception {
        if (!trust.enabled()) {
            return true;
        }
        Boolean known = trustedDirectories.get(dir);
        if (known == null) {
            known = trust.trusts(client, dir);
            trustedDirectories.put(dir, known);
        }
        return known;
    }

    private Map<String, Service> readData(String path) throws Exception {
        try {
            return decoder.perNode(path, client.getData().forPath(path));
        } catch (KeeperException.NoNodeException e) {
            return Map.of();
        }
    }

    private void removeWatch() {
        try {
            // Locally: other watchers of this client may share the server-side watch of this path.
            client.getZookeeperClient().getZooKeeper().removeWatches(root, notifications, WatcherType.Any, true);
        } catch (Exception e) {
            // Not registered (never started, or its session ended): nothing to remove.
        }
    }

    /** Runs {@code task} on the watch thread; if that is shut down (the client is closing), the watch is broken. */
    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            closing(e);
        }
    }

    /** The watch thread refused work: the client is closing, and this watch can follow nothing more. */
    private void closing(RejectedExecutionException e) {
        broken(new RegistryUnavailableException("watch of " + what + " on ZooKeeper at " + settings.connectString()
                + " ended: the client is closing", e));
    }

    /**
     * Moves to {@code state} and pushes it, if that is a change: one push and one log line per
     * change. Pushed under the status lock (from the watch thread or Curator's connection thread),
     * so the sink sees the changes in the order they were made; nothing once stopped.
     */
    private void setStatus(WatchStatus.State state, RegistryException cause) {
        synchronized (statusLock) {
            if (status.state() == state || isStopped()) {
                return;
            }
            status = WatchStatus.of(state, cause);
            sink.status(status);
        }
        if (state == WatchStatus.State.CURRENT) {
            LOG.info("ZooKeeper watch of {} is current again", what);
        } else {
            LOG.warn("ZooKeeper watch of {} is {}: {}", what, state, cause == null ? "" : cause.getMessage());
        }
    }
}

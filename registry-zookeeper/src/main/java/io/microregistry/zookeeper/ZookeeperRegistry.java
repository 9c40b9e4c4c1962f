package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.KeyLocks;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.backend.VersionGrouping;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The ZooKeeper client behind {@code MICRO_REGISTRY=zookeeper}; see {@link Registry} for the
 * contract.
 *
 * <p><b>TTL and sessions.</b> A node is an EPHEMERAL znode, alive exactly as long as the
 * ZooKeeper session that wrote it. The TTL maps onto the session timeout of its class
 * ({@link #TTL_CLASSES}: the largest class not above the TTL), so a process that dies
 * disappears once the server expires its session, never later than its TTL (the server may
 * round the timeout into its {@code [minSessionTimeout, maxSessionTimeout]} range; raising
 * it is logged), and a client opens at most one session per class however many distinct
 * TTLs it uses. Lookups and watches use the session of {@link RegisterOptions#DEFAULT_TTL},
 * opened with the client and kept until it closes; other classes open their session on
 * first use and close it again once it keeps no node.
 *
 * <p><b>Writes.</b> Each record is checked against ZooKeeper's size limit before anything is
 * written ({@link RecordLimits}). A register of several nodes is all or nothing: a failure
 * takes back what the call wrote. A deregister of several removes all it can and names the
 * rest. With credentials, records are written only into service directories that only this
 * identity can add to, and only such records are read ({@link DirectoryTrust}).
 *
 * <p><b>Liveness.</b> See {@link LiveNodes}: nothing is rewritten on a plain reconnect; after
 * session expiry every node is written again in the new session.
 *
 * <p><b>Blocking and failures.</b> Calls block until ZooKeeper answers, at most about the
 * configured timeout (Curator retries connection loss within it); backend trouble is a
 * {@link io.microregistry.RegistryException} via {@link BackendErrors}.
 *
 * <p>Thread-safe.
 */
final class ZookeeperRegistry implements Registry {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperRegistry.class);

    private final ConnectSettings settings;
    private final AccessPolicy access;
    private final ScheduledExecutorService scheduler;
    private final KeyLocks locks = new KeyLocks();
    private final RecordDecoder decoder = new RecordDecoder("ZooKeeper znode");
    /**
     * Sessions by TTL in whole seconds; the default TTL's session exists from the start.
     * Changed only under {@link #lifecycle}.
     */
    private final Map<Long, LiveNodes> sessions = new ConcurrentHashMap<>();
    /**
     * How many register calls are writing through each session right now. A session in here
     * may be empty but must not be closed: a node is about to be put into it. Guarded by
     * {@link #lifecycle}.
     */
    private final Map<LiveNodes, Integer> writers = new IdentityHashMap<>();
    /** Which session keeps each path alive. Updated under the path's lock. */
    private final Map<String, LiveNodes> keepers = new ConcurrentHashMap<>();
    private final Set<ZookeeperWatch> watches = ConcurrentHashMap.newKeySet();
    /** Push subscriptions of this client, one watch per prefix shared by all subscribers. */
    private final io.microregistry.backend.SubscriptionHub hub = new io.microregistry.backend.SubscriptionHub(this);
    /** Runs every watch of this client, in order: one thread however many watches. */
    private final ScheduledExecutorService watchThread;
    private final DirectoryTrust trust;
    private final LiveNodes main;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private ZookeeperRegistry(ConnectSettings settings) {
        this.settings = settings;
        this.access = new AccessPolicy(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-keeper"));
        this.watchThread = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-watch"));
        this.trust = new DirectoryTrust(settings);
        this.main = openSession(ttlSeconds(RegisterOptions.DEFAULT_TTL));
        sessions.put(ttlSeconds(RegisterOptions.DEFAULT_TTL), main);
    }

    /** Opens a client; connects in the background. */
    static ZookeeperRegistry open(ConnectSettings settings) {
        return new ZookeeperRegistry(settings);
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        Map<String, byte[]> records = RecordLimits.encode(service);
        checkOpen();
        LiveNodes keeper = acquireSession(options.ttl());
        List<Undo> written = new ArrayList<>();
        Set<LiveNodes> emptied = new HashSet<>();
        try {
            ensureOwnDirectory(service.name());
            for (Node node : service.nodes()) {
                String path = ZookeeperPaths.node(service.name(), node.id());
                synchronized (locks.of(path)) {
                    checkOpen();
                    LiveNodes before = keepers.get(path);
                    Undo undo = new Undo(node.id(), path, before, before == null ? null : before.data(path));
                    keeper.put(path, records.get(node.id()));
                    written.add(undo);
                    keepers.put(path, keeper);
                    if (before != null && before != keeper) {
                        // Registered again with another TTL: the other session no longer keeps it.
                        before.forget(path);
                        emptied.add(before);
                    }
                }
            }
        } catch (Exception e) {
            if (closed) {
                // close() ran meanwhile: it deregisters whatever this call wrote.
                throw new IllegalStateException("registry is closed", e);
            }
            String failedId = written.size() < service.nodes().size() ? service.nodes().get(written.size()).id() : "";
            RegistryException failure = BackendErrors.translate(e, "register " + service.name() + "/" + failedId,
                    settings);
            throw rollBack(service.name(), keeper, written, failure);
        } finally {
            releaseSession(keeper);
            emptied.forEach(this::closeIfEmpty);
        }
    }

    /** What one node's write replaced, to take it back if a later node of the same call fails. */
    private record Undo(String nodeId, String path, LiveNodes keeper, byte[] data) {
    }

    /**
     * All or nothing: a register call that failed on one node takes back the nodes it had
     * already written (deleted if they were new, their previous record and TTL restored
     * otherwise). What cannot be taken back (the server is gone) is named in the message and
     * stays owned, so a retried register or a deregister settles it.
     */
    private RegistryException rollBack(String name, LiveNodes keeper, List<Undo> written, RegistryException failure) {
        CuratorFramework client = main.session().client();
        List<String> kept = new ArrayList<>();
        Set<LiveNodes> emptied = new HashSet<>();
        for (int i = written.size() - 1; i >= 0; i--) {
            Undo undo = written.get(i);
            synchronized (locks.of(undo.path())) {
                try {
                    if (undo.keeper() == null) {
                        deleteIfHolding(client, undo.path(), name, undo.nodeId()).ifPresent(emptied::add);
                    } else {
                        undo.keeper().put(undo.path(), undo.data());
                        keepers.put(undo.path(), undo.keeper());
                        if (undo.keeper() != keeper) {
                            keeper.forget(undo.path());
                            emptied.add(keeper);
                        }
                    }
                } catch (Exception e) {
                    kept.add(undo.nodeId());
                    failure.addSuppressed(BackendErrors.translate(e, "take back " + name + "/" + undo.nodeId(),
                            settings));
                }
            }
        }
        emptied.forEach(this::closeIfEmpty);
        if (!kept.isEmpty()) {
            return BackendErrors.withNote(failure, "; these nodes written before it could not be taken back and"
                    + " stay registered: " + String.join(", ", kept));
        }
        return written.isEmpty() ? failure : BackendErrors.withNote(failure, "; the " + written.size()
                + " node(s) written before it were taken back, nothing of this call stays registered");
    }

    /**
     * With credentials: makes sure this client's directory of the service only lets our
     * identity add nodes (see {@link DirectoryTrust}). A directory someone else created first
     * (a squatter, another identity, go-micro) is replaced by ours if it is empty; if it holds
     * nodes, the registration is refused rather than written where others could forge or
     * delete it.
     */
    private void ensureOwnDirectory(String name) throws Exception {
        if (!trust.enabled()) {
            return;
        }
        CuratorFramework client = main.session().client();
        String directory = ZookeeperPaths.service(name);
        for (int attempt = 0; attempt < 3; attempt++) {
            Stat stat = new Stat();
            List<ACL> acl;
            try {
                acl = client.getACL().storingStatIn(stat).forPath(directory);
            } catch (KeeperException.NoNodeException e) {
                try {
                    client.create().creatingParentContainersIfNeeded().withMode(CreateMode.CONTAINER)
                            .forPath(directory);
                } catch (KeeperException.NodeExistsException raced) {
                    // Someone was quicker: look at theirs.
                }
                continue;
            }
            if (trust.trusts(acl, stat)) {
                return;
            }
            if (stat.getNumChildren() > 0) {
                throw new RegistryAuthenticationException("ZooKeeper directory " + directory + " of service '" + name
                        + "' was created by another identity and lets others add or delete nodes in it; refusing to"
                        + " register there. Remove it (it holds " + stat.getNumChildren() + " znode(s)) or register"
                        + " under the identity that owns it", null);
            }
            try {
                client.delete().withVersion(stat.getVersion()).forPath(directory);
                LOG.warn("ZooKeeper directory {} was created by another identity with an ACL that lets others add"
                        + " nodes; it was empty and has been replaced by one only this identity can add to", directory);
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException
                     | KeeperException.NotEmptyException raced) {
                // Changed meanwhile: look again.
            }
        }
        throw new RegistryAuthenticationException("ZooKeeper directory " + directory + " keeps being re-created by"
                + " another identity; refusing to register service '" + name + "' there", null);
    }

    /**
     * Removes every node it can; if some could not be removed, throws once at the end, naming
     * them (the others are gone).
     */
    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        checkOpen();
        CuratorFramework client = main.session().client();
        List<LiveNodes> released = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        RegistryException first = null;
        try {
            for (Node node : service.nodes()) {
                for (String path : ZookeeperPaths.nodeCandidates(service.name(), node.id())) {
                    synchronized (locks.of(path)) {
                        try {
                            deleteIfHolding(client, path, service.name(), node.id()).ifPresent(released::add);
                        } catch (Exception e) {
                            RegistryException failure = BackendErrors.translate(e, "deregister " + service.name()
                                    + "/" + node.id(), settings);
                            if (!failed.contains(node.id())) {
                                failed.add(node.id());
                            }
                            if (first == null) {
                                first = failure;
                            } else {
                                first.addSuppressed(failure);
                            }
                        }
                    }
                }
            }
        } finally {
            released.forEach(this::closeIfEmpty);
        }
        if (first != null) {
            throw service.nodes().size() == 1 ? first : BackendErrors.withNote(first, "; " + failed.size() + " of "
                    + service.nodes().size() + " node(s) could not be removed and stay registered: "
                    + String.join(", ", failed) + " (the others were removed)");
        }
    }

    /**
     * Deletes the znode if it holds that node of that service: lookalike names can share a
     * go-micro path, and the znode may have been rewritten by someone else meanwhile. Caller
     * holds the path's lock.
     *
     * <p>This client stops keeping the path alive only once the znode is known to be gone
     * (deleted now, or found absent). If the delete fails, the path stays owned and the
     * failure propagates: the node is still registered, is re-created after a session
     * expiry like any other, and a retried deregister deletes it. Forgetting first would
     * leave a znode nobody owns any more in a session that lives as long as this client.
     *
     * <p>Why a successful delete cannot be undone by session recovery: {@link LiveNodes}
     * re-creates a path only while holding the same path lock and only if it still
     * remembers the path. A re-creation that started earlier has finished before this
     * method got the lock (so the read below sees its znode, and the versioned delete
     * removes exactly that); one that starts later finds the path forgotten, because the
     * forget happens before this lock is released.
     *
     * @return the session that kept the path alive until now, if any
     */
    private Optional<LiveNodes> deleteIfHolding(CuratorFramework client, String path, String name, String nodeId)
            throws Exception {
        // Only our own path of this node is ours to forget: a go-micro candidate path may be
        // the own path of another of this client's registrations (a/b's candidate a-b/n1).
        boolean own = path.equals(ZookeeperPaths.node(name, nodeId));
        while (true) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Nothing to delete (for instance, expired with its session and not yet
                // re-created): do not re-create it either.
                return own ? forget(path) : Optional.empty();
            }
            Optional<Service> record = decoder.decode(path, data);
            boolean holds = record.isPresent() && record.get().name().equals(name)
                    && record.get().nodes().stream().anyMatch(n -> n.id().equals(nodeId));
            if (!holds) {
                return Optional.empty();
            }
            try {
                client.delete().withVersion(stat.getVersion()).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Gone meanwhile (its session expired, or someone else deleted it): the same.
            } catch (KeeperException.BadVersionException e) {
                // Rewritten meanwhile by another client: look at it again.
                continue;
            }
            return own ? forget(path) : Optional.empty();
        }
    }

    /** Stops keeping {@code path} alive. Caller holds the path's lock. */
    private Optional<LiveNodes> forget(String path) {
        LiveNodes keeper = keepers.remove(path);
        if (keeper != null) {
            keeper.forget(path);
        }
        return Optional.ofNullable(keeper);
    }

    @Override
    public List<Service> getService(String name) {
        RegistrationRules.checkServiceName(name);
        checkOpen();
        try {
            List<Service> records = new ArrayList<>();
            for (String directory : ZookeeperPaths.serviceDirectories(name)) {
                for (Service record : readDirectory(directory)) {
                    if (record.name().equals(name)) {
                        records.add(record);
                    }
                }
            }
            return VersionGrouping.group(records);
        } catch (Exception e) {
            throw BackendErrors.translate(e, "look up service " + name, settings);
        }
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        try {
            List<String> services;
            try {
                services = main.session().client().getChildren().forPath(ZookeeperPaths.ROOT);
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
            List<Service> records = new ArrayList<>();
            for (String segment : services) {
                records.addAll(readDirectory(ZookeeperPaths.ROOT + "/" + segment));
            }
            return VersionGrouping.group(records);
        } catch (Exception e) {
            throw BackendErrors.translate(e, "list services", settings);
        }
    }

    /** Every decodable record in one service directory; empty if the directory is absent. */
    private List<Service> readDirectory(String directory) throws Exception {
        CuratorFramework client = main.session().client();
        List<String> children;
        try {
            children = client.getChildren().forPath(directory);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
        List<Service> records = new ArrayList<>(children.size());
        boolean trusted = children.isEmpty() || trust.trusts(client, directory);
        for (String child : children) {
            String path = directory + "/" + child;
            if (!trusted) {
                trust.skipped(path);
                continue;
            }
            try {
                decoder.decode(path, client.getData().forPath(path))
                        .filter(s -> !s.nodes().isEmpty())
                        .ifPresent(records::add);
            } catch (KeeperException.NoNodeException e) {
                // Gone between listing and reading: not there, then.
            }
        }
        return records;
    }

    /** Shares one backend watch per prefix between every subscriber of this client (see SubscriptionHub). */
    @Override
    public io.microregistry.Subscription subscribe(WatchOptions options, io.microregistry.WatchListener listener) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        return hub.subscribe(options, listener);
    }

    @Override
    public Watcher watch(WatchOptions options) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        ZookeeperWatch watch = new ZookeeperWatch(main.session(), settings, options, decoder, trust, watchThread,
                watches::remove);
        watches.add(watch);
        try {
            Watcher watcher = watch.start();
            if (closed) {
                // close() ran while we started: it may have missed this watcher.
                watcher.stop();
            }
            return watcher;
        } catch (InterruptedException e) {
            throw BackendErrors.translate(e, "watch " + options.service().orElse("all services"), settings);
        }
    }

    /**
     * Deregisters this client's nodes by closing its sessions (ZooKeeper deletes a session's
     * ephemeral znodes as part of closing it), stops watchers and releases threads.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopWatchesAndKeepers();
        for (LiveNodes keeper : sessions.values()) {
            if (keeper != main) {
                closeQuietly(keeper.session());
            }
        }
        closeQuietly(main.session());
        LOG.info("ZooKeeper registry client for {} closed", settings.connectString());
    }

    /**
     * Test hook (the TCK's abandon): stops as a crashed process would, without deregistering
     * and without telling the server. The nodes vanish when their sessions time out; a later
     * {@link #close()} does nothing.
     */
    void abandon() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopWatchesAndKeepers();
        sessions.values().forEach(keeper -> keeper.session().abandon());
        LOG.info("ZooKeeper registry client for {} abandoned without deregistering", settings.connectString());
    }

    /** The session of a TTL, for tests; null if none is open. */
    Session sessionOf(Duration ttl) {
        LiveNodes keeper = sessions.get(ttlSeconds(ttl));
        return keeper == null ? null : keeper.session();
    }

    /** This client's open sessions, for fault-injection tests. */
    List<Session> openSessions() {
        return sessions.values().stream().map(LiveNodes::session).toList();
    }

    /** The ids of this client's open sessions, for tests. */
    Set<Long> openSessionIds() {
        Set<Long> ids = new HashSet<>();
        sessions.values().forEach(keeper -> ids.add(keeper.session().currentSessionId()));
        return ids;
    }

    private void stopWatchesAndKeepers() {
        hub.close();
        sessions.values().forEach(LiveNodes::stop);
        for (ZookeeperWatch watch : List.copyOf(watches)) {
            watch.stop();
        }
        scheduler.shutdownNow();
        watchThread.shutdownNow();
    }

    private void closeQuietly(Session session) {
        try {
            session.close();
        } catch (RuntimeException e) {
            LOG.warn("closing ZooKeeper session {} failed; its nodes expire with the session: {}", session.label(),
                    e.toString());
        }
    }

    /**
     * The session of {@code ttl}, opened if need be, marked as being written through until
     * {@link #releaseSession}: {@link #closeIfEmpty} leaves it open meanwhile, even while it
     * keeps no node yet.
     */
    private LiveNodes acquireSession(Duration ttl) {
        synchronized (lifecycle) {
            checkOpen();
            LiveNodes keeper = sessions.computeIfAbsent(ttlSeconds(ttl), this::openSession);
            writers.merge(keeper, 1, Integer::sum);
            return keeper;
        }
    }

    /** Ends what {@link #acquireSession} began; closes the session if it is left empty. */
    private void releaseSession(LiveNodes keeper) {
        synchronized (lifecycle) {
            writers.computeIfPresent(keeper, (k, n) -> n == 1 ? null : n - 1);
        }
        closeIfEmpty(keeper);
    }

    /**
     * Closes a session other than the main one once it keeps no node and no register call is
     * writing through it. Under {@link #lifecycle} the answer cannot change: only a register
     * call adds nodes to a session, and it first marks the session in {@link #writers} under
     * the same lock, which it can no longer do once the session has left {@link #sessions}
     * (a later register with this TTL opens a new session). Closing the session itself
     * deletes no node of ours (it has none) and happens outside the lock, since it waits for
     * the server.
     */
    private void closeIfEmpty(LiveNodes keeper) {
        synchronized (lifecycle) {
            if (closed || keeper == main || writers.containsKey(keeper) || !keeper.isEmpty()
                    || !sessions.values().remove(keeper)) {
                return;
            }
            keeper.stop();
        }
        closeQuietly(keeper.session());
        LOG.info("ZooKeeper session {} closed: it keeps no node any more", keeper.session().label());
    }

    private LiveNodes openSession(long ttlSeconds) {
        Session session = new Session("ttl-" + ttlSeconds + "s", settings, access, Duration.ofSeconds(ttlSeconds),
                scheduler);
        LiveNodes keeper = new LiveNodes(session, locks, scheduler);
        session.start();
        return keeper;
    }

    /**
     * Session timeouts, in seconds, that TTLs are grouped into. A client opens at most one
     * session per class however many distinct TTLs it registers with (each session is a
     * connection and three threads, and servers cap connections per client host, 60 by
     * default).
     */
    static final long[] TTL_CLASSES = {1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60};

    /**
     * The session class of a TTL: the largest class not above it, so a dead node is never
     * served longer than its TTL (a TTL above the largest class gets that class, still below
     * it). Servers raise session timeouts below their {@code minSessionTimeout} (logged).
     */
    static long ttlSeconds(Duration ttl) {
        long seconds = Math.max(1, ttl.toMillis() / 1000);
        long chosen = TTL_CLASSES[0];
        for (long ttlClass : TTL_CLASSES) {
            if (ttlClass <= seconds) {
                chosen = ttlClass;
            }
        }
        return chosen;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    @Override
    public String toString() {
        return "ZookeeperRegistry[" + settings.connectString() + "]";
    }
}

package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.KeyLocks;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.backend.ServiceJson;
import io.microregistry.backend.VersionGrouping;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
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
 * ZooKeeper session that wrote it. The TTL maps onto the session timeout: the TTL is rounded
 * up to whole seconds, and registrations with the same rounded TTL share one session whose
 * requested timeout is that TTL, so a process that dies disappears once the server expires
 * its session, about one TTL later (the server may round the timeout into its
 * {@code [minSessionTimeout, maxSessionTimeout]} range; raising it is logged). Lookups and
 * watches use the session of {@link RegisterOptions#DEFAULT_TTL}, opened with the client and
 * kept until it closes; other TTLs open their session on first use and close it again once
 * it keeps no node (each session is a connection and a few threads).
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
    private final Set<CacheWatch> watches = ConcurrentHashMap.newKeySet();
    /** Push subscriptions of this client, one watch per prefix shared by all subscribers. */
    private final io.microregistry.backend.SubscriptionHub hub = new io.microregistry.backend.SubscriptionHub(this);
    private final LiveNodes main;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private ZookeeperRegistry(ConnectSettings settings) {
        this.settings = settings;
        this.access = new AccessPolicy(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-keeper"));
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
        LiveNodes keeper = acquireSession(options.ttl());
        try {
            for (Node node : service.nodes()) {
                String path = ZookeeperPaths.node(service.name(), node.id());
                byte[] data = ServiceJson.encode(service.withNode(node));
                LiveNodes previous;
                synchronized (locks.of(path)) {
                    checkOpen();
                    try {
                        keeper.put(path, data);
                    } catch (Exception e) {
                        throw BackendErrors.translate(e, "register " + service.name() + "/" + node.id(), settings);
                    }
                    previous = keepers.put(path, keeper);
                    if (previous != null && previous != keeper) {
                        // Registered again with another TTL: the other session no longer keeps it.
                        previous.forget(path);
                    }
                }
                if (previous != null && previous != keeper) {
                    closeIfEmpty(previous);
                }
            }
        } finally {
            releaseSession(keeper);
        }
    }

    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        checkOpen();
        CuratorFramework client = main.session().client();
        List<LiveNodes> released = new ArrayList<>();
        try {
            for (Node node : service.nodes()) {
                for (String path : ZookeeperPaths.nodeCandidates(service.name(), node.id())) {
                    synchronized (locks.of(path)) {
                        try {
                            deleteIfHolding(client, path, service.name(), node.id()).ifPresent(released::add);
                        } catch (Exception e) {
                            throw BackendErrors.translate(e, "deregister " + service.name() + "/" + node.id(),
                                    settings);
                        }
                    }
                }
            }
        } finally {
            released.forEach(this::closeIfEmpty);
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
        for (String child : children) {
            String path = directory + "/" + child;
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
        CacheWatch watch = new CacheWatch(main.session().client(), options, decoder, watches::remove);
        watches.add(watch);
        try {
            Watcher watcher = watch.start(settings.timeout(), settings.connectString());
            if (closed) {
                // close() ran while we started: it may have missed this watcher.
                watcher.stop();
            }
            return watcher;
        } catch (Exception e) {
            watch.queue().stop();
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

    private void stopWatchesAndKeepers() {
        hub.close();
        sessions.values().forEach(LiveNodes::stop);
        for (CacheWatch watch : List.copyOf(watches)) {
            watch.queue().stop();
        }
        scheduler.shutdownNow();
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
        Session session = new Session("ttl-" + ttlSeconds + "s", settings, access, Duration.ofSeconds(ttlSeconds));
        LiveNodes keeper = new LiveNodes(session, locks, scheduler);
        session.start();
        return keeper;
    }

    /**
     * The session key of a TTL: whole seconds, rounded up so a node never lives shorter than
     * asked (as etcd leases do), and so TTLs with jitter share a few sessions instead of
     * opening one each.
     */
    private static long ttlSeconds(Duration ttl) {
        return Math.max(1, (ttl.toMillis() + 999) / 1000);
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

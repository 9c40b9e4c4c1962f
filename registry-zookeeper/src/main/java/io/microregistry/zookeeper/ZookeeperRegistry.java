package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.DaemonThreads;
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
 * ZooKeeper session that wrote it. The TTL maps onto the session timeout: registrations with
 * the same TTL share one session whose requested timeout is that TTL, so a process that
 * dies disappears once the server expires its session, about one TTL later (the server may
 * round the timeout into its {@code [minSessionTimeout, maxSessionTimeout]} range; raising
 * it is logged). Lookups and watches use the session of {@link RegisterOptions#DEFAULT_TTL},
 * opened with the client; other TTLs open their session on first use.
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
    private final PathLocks locks = new PathLocks();
    private final RecordDecoder decoder = new RecordDecoder();
    /** Sessions by TTL in milliseconds; the default TTL's session exists from the start. */
    private final Map<Long, LiveNodes> sessions = new ConcurrentHashMap<>();
    /** Which session keeps each path alive. Updated under the path's lock. */
    private final Map<String, LiveNodes> keepers = new ConcurrentHashMap<>();
    private final Set<CacheWatch> watches = ConcurrentHashMap.newKeySet();
    private final LiveNodes main;
    private final Object lifecycle = new Object();
    private volatile boolean closed;

    private ZookeeperRegistry(ConnectSettings settings) {
        this.settings = settings;
        this.access = new AccessPolicy(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-keeper"));
        this.main = openSession(RegisterOptions.DEFAULT_TTL);
        sessions.put(RegisterOptions.DEFAULT_TTL.toMillis(), main);
    }

    /** Opens a client; connects in the background. */
    static ZookeeperRegistry open(ConnectSettings settings) {
        return new ZookeeperRegistry(settings);
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        checkOpen();
        LiveNodes keeper = sessionFor(options.ttl());
        for (Node node : service.nodes()) {
            String path = ZookeeperPaths.node(service.name(), node.id());
            byte[] data = ServiceJson.encode(service.withNode(node));
            synchronized (locks.of(path)) {
                checkOpen();
                try {
                    keeper.put(path, data);
                } catch (Exception e) {
                    throw BackendErrors.translate(e, "register " + service.name() + "/" + node.id(), settings);
                }
                LiveNodes previous = keepers.put(path, keeper);
                if (previous != null && previous != keeper) {
                    // Registered again with another TTL: the other session no longer keeps it.
                    previous.forget(path);
                }
            }
        }
    }

    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        checkOpen();
        CuratorFramework client = main.session().client();
        for (Node node : service.nodes()) {
            for (String path : ZookeeperPaths.nodeCandidates(service.name(), node.id())) {
                synchronized (locks.of(path)) {
                    try {
                        deleteIfHolding(client, path, service.name(), node.id());
                    } catch (Exception e) {
                        throw BackendErrors.translate(e, "deregister " + service.name() + "/" + node.id(), settings);
                    }
                }
            }
        }
    }

    /**
     * Deletes the znode if it holds that node of that service: lookalike names can share a
     * go-micro path, and the znode may have been rewritten by someone else meanwhile.
     */
    private void deleteIfHolding(CuratorFramework client, String path, String name, String nodeId) throws Exception {
        while (true) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                if (path.equals(ZookeeperPaths.node(name, nodeId))) {
                    forget(path);
                }
                return;
            }
            Optional<Service> record = decoder.decode(path, data);
            boolean holds = record.isPresent() && record.get().name().equals(name)
                    && record.get().nodes().stream().anyMatch(n -> n.id().equals(nodeId));
            if (!holds) {
                return;
            }
            forget(path);
            try {
                client.delete().withVersion(stat.getVersion()).forPath(path);
                return;
            } catch (KeeperException.NoNodeException e) {
                return;
            } catch (KeeperException.BadVersionException e) {
                // Rewritten meanwhile: look at it again.
            }
        }
    }

    private void forget(String path) {
        LiveNodes keeper = keepers.remove(path);
        if (keeper != null) {
            keeper.forget(path);
        }
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

    /** The session of a TTL, for tests; null if none was opened. */
    Session sessionOf(Duration ttl) {
        LiveNodes keeper = sessions.get(ttl.toMillis());
        return keeper == null ? null : keeper.session();
    }

    private void stopWatchesAndKeepers() {
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

    private LiveNodes sessionFor(Duration ttl) {
        LiveNodes keeper = sessions.get(ttl.toMillis());
        if (keeper != null) {
            return keeper;
        }
        synchronized (lifecycle) {
            checkOpen();
            return sessions.computeIfAbsent(ttl.toMillis(), k -> openSession(ttl));
        }
    }

    private LiveNodes openSession(Duration ttl) {
        Session session = new Session("ttl-" + label(ttl), settings, access, ttl);
        LiveNodes keeper = new LiveNodes(session, locks, scheduler);
        session.start();
        return keeper;
    }

    private static String label(Duration ttl) {
        long ms = ttl.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
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

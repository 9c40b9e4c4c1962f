package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.KeyLocks;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.RegistryStore;
import io.microregistry.backend.WatchSink;
import io.microregistry.metrics.RegistryObserver;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The ZooKeeper {@link RegistryStore} behind {@code MICRO_REGISTRY=zookeeper}; the provider
 * wraps it in a {@link io.microregistry.backend.StoreRegistry}.
 *
 * <p><b>TTL and sessions.</b> A node is an EPHEMERAL znode, alive exactly as long as the
 * ZooKeeper session that wrote it. The TTL maps onto the session timeout of its class
 * ({@link #TTL_CLASSES}: the largest class not above the TTL), so a process that dies
 * disappears once the server expires its session, never later than its TTL (the server may
 * round the timeout into its {@code [minSessionTimeout, maxSessionTimeout]} range; raising
 * it is logged), and a client opens at most one session per class however many distinct
 * TTLs it uses. Each class's records are one {@link LiveNodes} group. Lookups and watches use
 * the session of {@link RegisterOptions#DEFAULT_TTL}, opened with the store and kept until it
 * closes; other classes open their session with their group and close it with the group,
 * once it keeps no node.
 *
 * <p><b>Writes.</b> Each record is checked against ZooKeeper's size limit before anything is
 * written ({@link RecordLimits}). A znode is written on its own, so a registration's
 * {@link #batches batches} are one record each. With credentials, records are written only
 * into service directories that only this identity can add to ({@link #prepare}), and only
 * such records are read ({@link DirectoryTrust}).
 *
 * <p><b>Liveness.</b> See {@link LiveNodes}: nothing is rewritten on a plain reconnect; after
 * session expiry every node is written again in the new session. {@link Session} starts a new
 * session at once when a server turns out to have lost its data.
 *
 * <p><b>Blocking and failures.</b> Calls block until ZooKeeper answers, at most about the
 * configured timeout (Curator retries connection loss within it); backend trouble is a
 * {@link RegistryException} via {@link BackendErrors}.
 *
 * <p>Thread-safe. Writers of one znode path (the core, every group's recovery) are serialised
 * by one {@link KeyLocks} per store.
 */
final class ZookeeperStore implements RegistryStore {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperStore.class);

    /**
     * Session timeouts, in seconds, that TTLs are grouped into. A client opens at most one
     * session per class however many distinct TTLs it registers with (each session is a
     * connection and three threads, and servers cap connections per client host, 60 by
     * default).
     */
    static final long[] TTL_CLASSES = {1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60};
    private static final long MAIN_CLASS = ttlSeconds(RegisterOptions.DEFAULT_TTL);

    private final ConnectSettings settings;
    private final AccessPolicy access;
    /** Runs the groups' recovery and the sessions' probes. */
    private final ScheduledExecutorService scheduler;
    /** Runs every watch of this client, in order: one thread however many watches. */
    private final ScheduledExecutorService watchThread;
    private final KeyLocks locks = new KeyLocks();
    private final RecordDecoder decoder = new RecordDecoder("ZooKeeper znode");
    private final DirectoryTrust trust;
    /** The default TTL's session: reads, watches and that class's group; open until {@link #close}. */
    private final Session main;
    /** The open group of each TTL class, by session timeout in seconds. */
    private final Map<Long, LiveNodes> groups = new ConcurrentHashMap<>();
    /** The watches not yet ended, broken by {@link #close} if the core left any open. */
    private final Set<ZookeeperWatch> watches = ConcurrentHashMap.newKeySet();

    /** Opens a client; connects in the background. */
    ZookeeperStore(ConnectSettings settings) {
        this.settings = settings;
        this.access = new AccessPolicy(settings);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-keeper"));
        this.watchThread = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-zk-watch"));
        this.trust = new DirectoryTrust(settings);
        this.main = newSession(MAIN_CLASS);
        main.start();
    }

    /** The znode layout of this client: go-micro's root, or the configured namespace. */
    ZookeeperPaths paths() {
        return settings.paths();
    }

    @Override
    public String describe() {
        return "ZooKeeper at " + settings.connectString();
    }

    /** Every node's record must fit in a znode ({@link RecordLimits}). */
    @Override
    public void check(Service service) {
        RecordLimits.encode(service, settings.paths());
    }

    /**
     * With credentials: makes sure this client's directory of the service only lets our
     * identity add nodes (see {@link DirectoryTrust}). A directory someone else created first
     * (a squatter, another identity, go-micro) is replaced by ours if it is empty; if it holds
     * nodes, the registration is refused rather than written where others could forge or
     * delete it.
     *
     * @throws RegistryAuthenticationException if the directory is someone else's and not empty
     */
    @Override
    public void prepare(String serviceName) {
        if (!trust.enabled()) {
            return;
        }
        try {
            ensureOwnDirectory(serviceName);
        } catch (Exception e) {
            throw translate(e, "register " + serviceName);
        }
    }

    private void ensureOwnDirectory(String name) throws Exception {
        CuratorFramework client = main.client();
        String directory = settings.paths().service(name);
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

    /** The session timeout of the TTL's class ({@link #ttlSeconds}). */
    @Override
    public Duration ttlClass(Duration ttl) {
        return Duration.ofSeconds(ttlSeconds(ttl));
    }

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

    /** {@link #openGroup(Duration, RegistryObserver)} reporting to no observer. */
    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return openGroup(ttlClass, RegistryObserver.none());
    }

    /**
     * The main session's group for the default class; for any other class, a new session and
     * its group. The group reports each session loss and write-back to {@code observer}.
     */
    @Override
    public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        long seconds = ttlClass.toSeconds();
        LiveNodes group;
        if (seconds == MAIN_CLASS) {
            group = new LiveNodes(this, main, true, observer);
        } else {
            Session session = newSession(seconds);
            group = new LiveNodes(this, session, false, observer);
            session.start();
        }
        groups.put(seconds, group);
        return group;
    }

    /** Called by a group as it closes. */
    void closed(LiveNodes group) {
        groups.values().remove(group);
    }

    /** One znode per write: each record is a batch of its own. */
    @Override
    public List<List<Service>> batches(List<Service> records) {
        return records.stream().map(List::of).toList();
    }

    /**
     * Reads our directory of the service and go-micro's (if different), keeping only records
     * of that very name; or every directory below the root.
     */
    @Override
    public List<Service> read(Optional<String> name) {
        try {
            List<Service> records = new ArrayList<>();
            if (name.isPresent()) {
                for (String directory : settings.paths().serviceDirectories(name.get())) {
                    for (Service record : readDirectory(directory)) {
                        if (record.name().equals(name.get())) {
                            records.add(record);
                        }
                    }
                }
                return records;
            }
            List<String> services;
            try {
                services = main.client().getChildren().forPath(settings.paths().root());
            } catch (KeeperException.NoNodeException e) {
                return List.of();
            }
            for (String segment : services) {
                records.addAll(readDirectory(settings.paths().root() + "/" + segment));
            }
            return records;
        } catch (Exception e) {
            throw translate(e, name.map(n -> "look up service " + n).orElse("list services"));
        }
    }

    /** Every decodable record in one service directory; empty if the directory is absent. */
    private List<Service> readDirectory(String directory) throws Exception {
        CuratorFramework client = main.client();
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

    /**
     * Deletes the node's znodes that no group of this client keeps: our own path if
     * {@code includingOwn}, and go-micro's path of it always, each only where it holds this
     * very node ({@link #deleteIfHolding}).
     */
    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        String own = settings.paths().node(serviceName, nodeId);
        for (String path : settings.paths().nodeCandidates(serviceName, nodeId)) {
            if (!includingOwn && path.equals(own)) {
                continue;
            }
            synchronized (locks.of(path)) {
                try {
                    deleteIfHolding(path, serviceName, nodeId);
                } catch (Exception e) {
                    throw translate(e, "deregister " + serviceName + "/" + nodeId);
                }
            }
        }
    }

    /**
     * Deletes the znode if it holds that node of that service: lookalike names can share a
     * go-micro path (a go-micro candidate path may even be the own path of another of this
     * client's registrations: {@code a/b}'s candidate {@code a-b/n1}), and the znode may have
     * been rewritten by someone else meanwhile. Absent is no error, and nothing is re-created.
     * Caller holds the path's lock.
     */
    void deleteIfHolding(String path, String name, String nodeId) throws Exception {
        CuratorFramework client = main.client();
        while (true) {
            Stat stat = new Stat();
            byte[] data;
            try {
                data = client.getData().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Nothing to delete (for instance, expired with its session and not yet re-created).
                return;
            }
            Optional<Service> record = decoder.decode(path, data);
            boolean holds = record.isPresent() && record.get().name().equals(name)
                    && record.get().nodes().stream().anyMatch(n -> n.id().equals(nodeId));
            if (!holds) {
                return;
            }
            try {
                client.delete().withVersion(stat.getVersion()).forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // Gone meanwhile (its session expired, or someone else deleted it): the same.
            } catch (KeeperException.BadVersionException e) {
                // Rewritten meanwhile by another client: look at it again.
                continue;
            }
            return;
        }
    }

    /**
     * A {@link ZookeeperWatch} through the main session: returns once the ZooKeeper watch is added
     * and the prefix read; then pushes to {@code sink} on this client's one watch thread (every
     * watch of this client shares it: no thread per watch), status also from Curator's connection
     * thread. See {@link ZookeeperWatch} for what is pushed when.
     */
    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        ZookeeperWatch watch = new ZookeeperWatch(main, settings, options, decoder, trust, watchThread, sink,
                watches::remove);
        watches.add(watch);
        try {
            return watch.start();
        } catch (InterruptedException e) {
            throw translate(e, "watch " + options.service().orElse("all services"));
        }
    }

    /**
     * Breaks any watch still open ({@link WatchSink#broken}; the core closes its watches first, so
     * normally there is none), stops the recovery and watch threads and closes the main session
     * (ZooKeeper deletes its ephemeral znodes as part of closing it; after an abandon it was
     * dropped already).
     */
    @Override
    public void close() {
        RegistryUnavailableException closed = new RegistryUnavailableException(
                "the ZooKeeper client at " + settings.connectString() + " was closed", null);
        List.copyOf(watches).forEach(watch -> watch.broken(closed));
        scheduler.shutdownNow();
        watchThread.shutdownNow();
        try {
            main.close();
        } catch (RuntimeException e) {
            LOG.warn("closing ZooKeeper session {} failed; its nodes expire with the session: {}", main.label(),
                    e.toString());
        }
    }

    /** The session of a TTL's class, for tests: the main one for the default TTL; null if none is open. */
    Session sessionOf(Duration ttl) {
        long seconds = ttlSeconds(ttl);
        if (seconds == MAIN_CLASS) {
            return main;
        }
        LiveNodes group = groups.get(seconds);
        return group == null ? null : group.session();
    }

    /** This client's open sessions, main first, for fault-injection tests. */
    List<Session> openSessions() {
        List<Session> sessions = new ArrayList<>();
        sessions.add(main);
        groups.values().stream().map(LiveNodes::session).filter(s -> s != main).forEach(sessions::add);
        return sessions;
    }

    /** The ids of this client's open sessions, for tests. */
    Set<Long> openSessionIds() {
        Set<Long> ids = new HashSet<>();
        openSessions().forEach(session -> ids.add(session.currentSessionId()));
        return ids;
    }

    KeyLocks locks() {
        return locks;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    RegistryException translate(Exception e, String action) {
        return BackendErrors.translate(e, action, settings);
    }

    private Session newSession(long ttlSeconds) {
        return new Session("ttl-" + ttlSeconds + "s", settings, access, Duration.ofSeconds(ttlSeconds), scheduler);
    }

    @Override
    public String toString() {
        return "ZookeeperStore[" + settings.connectString() + "]";
    }
}

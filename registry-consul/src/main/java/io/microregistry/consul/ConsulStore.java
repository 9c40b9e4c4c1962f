package io.microregistry.consul;

import io.microregistry.Backoff;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RegistryStore;
import io.microregistry.backend.WatchSink;
import io.microregistry.metrics.RegistryObserver;
import org.kiwiproject.consul.Consul;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link RegistryStore} of a Consul agent, laid out as go-micro lays it out: one agent
 * service per node ({@code ID} = node id, {@code Name} = service name; see {@link ConsulIds} for
 * names and ids that cannot be used as they are), go-micro tags ({@link ServiceRecords},
 * {@link GoMicroTags}) and a TTL check per agent service, kept passing by the client's one
 * {@link CheckKeeper}.
 *
 * <ul>
 *   <li><b>Liveness</b>: a {@link TtlCheckGroup} per TTL class (the TTL rounded up to whole
 *       seconds); each record is its own agent registration with its own TTL check, so
 *       {@link #batches} writes one record per batch and the core undoes earlier ones if a later
 *       node fails. A lost check (agent restarted, service reaped) is registered again by the
 *       keeper, with backoff, until removed.</li>
 *   <li><b>IDs</b>: Consul IDs are unique per agent, node ids only per service. A node gets its
 *       node id as ID unless the agent holds it for another node (then
 *       {@link ServiceRecords#qualifiedId}); an ID this client does not keep is looked up on the
 *       agent first ({@link AgentServices}), so another client's node is never overwritten.</li>
 *   <li><b>Reads</b> see passing nodes only and are {@code ?consistent} ({@link BlockingQuery#CONSISTENT}),
 *       so a node whose owner died disappears within its TTL, also across an agent crash: one
 *       health read for a service; for all, the service names and then one health read per
 *       service, a few in flight ({@link #readAll}), so no single answer carries the whole registry.</li>
 *   <li><b>Watches</b> are {@link ConsulWatch}es over the client's one shared {@link ConsulFeed}
 *       blocking query, which pushes to each watch's sink from its one thread: one thread and one
 *       held agent connection per client however many it follows.</li>
 *   <li><b>Limits</b>: at most {@link #MAX_NODES_PER_CALL} nodes per registration.</li>
 * </ul>
 *
 * <p>Thread-safe; every agent call blocks for at most the configured timeout. Failures are
 * translated by {@link ConsulFailures}; a call that fails because {@link #close()} tore the
 * client down under it is an {@link IllegalStateException}, as for a closed registry.
 */
final class ConsulStore implements RegistryStore {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulStore.class);

    /**
     * Nodes one {@code register} call may carry: each node is one agent registration (plus, for
     * an ID this client does not hold yet, one lookup), and the agent writes each to disk and
     * syncs it to the catalog, so a call's time grows with its nodes; past this it is refused
     * before anything is written rather than left running for minutes.
     */
    static final int MAX_NODES_PER_CALL = 1_000;

    /**
     * Agent reads the whole-registry reads of one client keep in flight, all callers together:
     * enough to hide the round trips of a large registry, few enough that listing 10,000 services
     * costs at most this many client threads and connections, not one per service or per caller.
     */
    static final int LIST_CONCURRENCY = 4;

    private final ConsulConnector connector;
    private final ConsulFailures failures;
    private final ExecutorService clientThreads;
    private final Consul consul;
    private final CheckKeeper keeper;
    private final AgentServices agentServices;
    private final ConsulFeed feed;
    private final GoMicroTags.Warnings warnings = new GoMicroTags.Warnings();
    /** Whole-registry reads in flight on this client, across all callers (see {@link #readAll}). */
    private final Semaphore listReads = new Semaphore(LIST_CONCURRENCY);
    private volatile boolean closed;
    /** Set once a group's release found the agent unreachable: the other groups then do not wait it out again. */
    private volatile boolean unreachable;

    ConsulStore(ConsulConnector connector) {
        this.connector = connector;
        this.failures = new ConsulFailures(connector.describe(), connector.hasToken());
        this.clientThreads = Executors.newCachedThreadPool(new DaemonThreads("consul-client"));
        this.consul = connector.open(clientThreads);
        this.keeper = new CheckKeeper(consul.agentClient(), connector.describe(), Backoff.DEFAULT);
        this.agentServices = new AgentServices(consul, connector.timeout());
        this.feed = new ConsulFeed(connector, Backoff.DEFAULT, warnings);
        LOG.info("opened Consul registry on agent {}", connector.describe());
    }

    @Override
    public String describe() {
        return "Consul agent " + connector.describe();
    }

    @Override
    public void check(Service service) {
        if (service.nodes().size() > MAX_NODES_PER_CALL) {
            throw new IllegalArgumentException("service nodes: at most " + MAX_NODES_PER_CALL + " nodes per register "
                    + "call on Consul, was " + service.nodes().size() + "; register them in several calls");
        }
    }

    /** Whole seconds, rounded up: the check's TTL is per registration, and a node must not vanish early. */
    @Override
    public Duration ttlClass(Duration ttl) {
        return Duration.ofSeconds(ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0));
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return new TtlCheckGroup(this, keeper, ttlClass);
    }

    /** The client's observer hears of every check the keeper loses and writes back, whatever its group. */
    @Override
    public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        keeper.reportTo(observer);
        return openGroup(ttlClass);
    }

    /** One record per batch: each node is its own agent registration. */
    @Override
    public List<List<Service>> batches(List<Service> records) {
        return records.stream().map(List::of).toList();
    }

    @Override
    public List<Service> read(Optional<String> name) {
        if (name.isPresent()) {
            return call("look up service '" + name.get() + "'",
                    () -> readService(name.get(), ConsulIds.consulName(name.get())));
        }
        return call("list services", () -> {
            try {
                return readAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while listing the services of " + describe(), e);
            }
        });
    }

    /**
     * The whole registry, read per service so that no single agent answer carries every node
     * (Consul 1.8 has no paged read; the node dump the watches follow is one message of every
     * node with its checks): the service names first ({@code /v1/catalog/services}), then each
     * service's passing nodes with the same consistent health read as a lookup, at most
     * {@link #LIST_CONCURRENCY} reads in flight per client (name lists included, whatever the
     * number of concurrent callers) on the client's own executor. Results keep the order of
     * the name list. A service that vanished after the name list is simply absent (its health
     * read answers empty). If one service's read fails, the whole call fails with that
     * (translated) failure, which names the service: a list silently missing a service would
     * look like a complete one.
     */
    private List<Service> readAll() throws InterruptedException {
        Map<String, List<String>> catalog;
        listReads.acquire();
        try {
            catalog = consul.catalogClient().getServices(BlockingQuery.CONSISTENT).getResponse();
        } finally {
            listReads.release();
        }
        List<String[]> services = new ArrayList<>(); // {name, Consul name}
        for (String consulName : catalog == null ? Set.<String>of() : catalog.keySet()) {
            String serviceName = ConsulIds.name(consulName);
            if (serviceName == null) {
                continue; // an encoded form that does not decode is no service of ours, as on the watch path
            }
            if (!readablePerService(consulName)) {
                if (warnings.first("unreadable\u0000" + consulName)) {
                    LOG.warn("skipping Consul service '{}' in the list of services: the agent cleans it as a URL "
                            + "path, so it cannot be read by name (nor by go-micro)", consulName);
                }
                continue;
            }
            services.add(new String[] {serviceName, consulName});
        }
        List<List<Service>> results = new ArrayList<>(Collections.nCopies(services.size(), null));
        CompletionService<List<Service>> done = new ExecutorCompletionService<>(clientThreads);
        Map<Future<List<Service>>, Integer> inFlight = new HashMap<>();
        int next = 0;
        while (next < services.size() || !inFlight.isEmpty()) {
            // Wait for a permit only with nothing of ours in flight; otherwise take what is free now.
            while (next < services.size() && (inFlight.isEmpty() ? acquire() : listReads.tryAcquire())) {
                String[] service = services.get(next);
                try {
                    inFlight.put(done.submit(() -> {
                        try {
                            return call("list services: read service '" + service[0] + "'",
                                    () -> readService(service[0], service[1]));
                        } finally {
                            listReads.release();
                        }
                    }), next++);
                } catch (RuntimeException rejected) {
                    listReads.release(); // closed under us: call() makes it the closed state
                    throw rejected;
                }
            }
            Future<List<Service>> finished = done.take();
            try {
                results.set(inFlight.remove(finished), finished.get());
            } catch (ExecutionException e) {
                // The reads still in flight end within the timeout and release their permits; their
                // answers are dropped. The failure is translated by call() already and names the service.
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException("reading a service failed", e.getCause());
            }
        }
        List<Service> records = new ArrayList<>();
        results.forEach(records::addAll);
        return records;
    }

    private boolean acquire() throws InterruptedException {
        listReads.acquire();
        return true;
    }

    /** One service's passing records: one consistent health read of Consul name {@code consulName}. */
    private List<Service> readService(String serviceName, String consulName) {
        return new ArrayList<>(ServiceRecords.passing(serviceName, consul.healthClient()
                .getHealthyServiceInstances(consulName, BlockingQuery.CONSISTENT).getResponse(), warnings).values());
    }

    /**
     * Whether a Consul service name survives as a URL path segment: the agent's HTTP server cleans
     * paths after decoding them, so a name with an empty, {@code .} or {@code ..} segment (only
     * ever written by another client; ours are encoded, see {@link ConsulIds}) would be read as
     * another service, or refused by the HTTP client.
     */
    static boolean readablePerService(String consulName) {
        if (consulName.isEmpty()) {
            return false;
        }
        for (String segment : consulName.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the agent services of a node this client does not keep (any more): its node id and
     * its qualified ID, each only where the agent holds it for this very node. Both forms are
     * looked at whatever {@code includingOwn} says: the own one was removed by its group already.
     */
    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        run("deregister service '" + serviceName + "' node '" + nodeId + "'", () -> {
            List<String> ids = ConsulIds.plainId(nodeId)
                    ? List.of(nodeId, ServiceRecords.qualifiedId(serviceName, nodeId))
                    : List.of(ServiceRecords.qualifiedId(serviceName, nodeId));
            for (String id : ids) {
                if (keeper.holderOf(id) == null) {
                    // An ID this client keeps belongs to another of its nodes.
                    removeFromAgent(serviceName, nodeId, id);
                }
            }
        });
    }

    /**
     * A {@link ConsulWatch} attached to the client's shared {@link ConsulFeed}: returns once the
     * baseline (one consistent read of the catalog) is taken; then the feed's thread pushes each
     * later change to {@code sink}, and each change of the feed's health (STALE while its query
     * fails, CURRENT after). If the feed is not CURRENT as the watch opens, that status is pushed
     * before this returns. If the store closes (or the feed fails) while the watch is open,
     * {@link WatchSink#broken} is pushed once.
     */
    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        ConsulWatch watch = new ConsulWatch(options, sink, feed::detach);
        String what = options.service().map(s -> "watch service '" + s + "'").orElse("watch all services");
        try {
            run(what, () -> feed.attach(watch));
            return watch;
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
    }

    /**
     * Stops the shared feed (pushing {@link WatchSink#broken} to any watch still open) and the
     * keeper's threads and shuts the HTTP clients down.
     */
    @Override
    public void close() {
        closed = true;
        feed.close();
        keeper.shutdown();
        consul.destroy();
        try {
            feed.awaitTermination(Duration.ofSeconds(2));
            clientThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The agent service ids this client keeps alive. For fault-injection tests. */
    Set<String> keptIds() {
        return keeper.keptIds();
    }

    /**
     * The Consul service ID for a node: its node id, as go-micro does, unless the agent holds
     * that ID for another node or service name (Consul IDs are unique per agent, node ids only
     * per service); then {@link ServiceRecords#qualifiedId}. A node keeps the ID it already has.
     *
     * <p>What this client keeps alive itself is known without asking the agent, so re-registering
     * a node (and any node whose plain ID this client holds for another service) costs no lookup.
     * Only an ID this client does not hold is looked up, plain and qualified ID in parallel.
     * Throws the client's exceptions.
     */
    String consulId(String name, String nodeId) {
        String qualified = ServiceRecords.qualifiedId(name, nodeId);
        if (!ConsulIds.plainId(nodeId)) {
            // Not safe as a Consul ID as it is (case, path characters): only the qualified form is injective.
            return qualified;
        }
        String kept = keptId(name, nodeId);
        if (kept != null) {
            return kept;
        }
        if (keeper.holderOf(nodeId) != null) {
            // This client holds the plain ID for another node: the agent cannot tell us more.
            return qualified;
        }
        Map<String, IdHolder> held = agentServices.holdersOf(nodeId, qualified);
        IdHolder plain = held.get(nodeId);
        if (plain == null || plain.is(name, nodeId)) {
            // Free, or this very node (registered by an earlier client): keep a qualified ID it already has.
            return held.containsKey(qualified) ? qualified : nodeId;
        }
        return qualified;
    }

    /** The ID the keeper holds node {@code nodeId} of {@code name} under (kept or forgotten), or null. */
    String keptId(String name, String nodeId) {
        String qualified = ServiceRecords.qualifiedId(name, nodeId);
        if (ConsulIds.plainId(nodeId)) {
            IdHolder keptPlain = keeper.holderOf(nodeId);
            if (keptPlain != null && keptPlain.is(name, nodeId)) {
                return nodeId;
            }
        }
        IdHolder keptQualified = keeper.holderOf(qualified);
        return keptQualified != null && keptQualified.is(name, nodeId) ? qualified : null;
    }

    /** Deregisters agent service {@code id}; one the agent does not have is no error. Throws the client's exceptions. */
    void deregisterFromAgent(String id) {
        try {
            consul.agentClient().deregister(id);
        } catch (RuntimeException e) {
            if (ConsulFailures.status(e) != 404) {
                throw e;
            }
        }
    }

    /** Removes the agent service {@code id} if it is node {@code nodeId} of {@code name}; absent is fine. */
    private void removeFromAgent(String name, String nodeId, String id) {
        IdHolder current = agentServices.holderOf(id);
        if (current != null && current.is(name, nodeId)) {
            deregisterFromAgent(id);
        }
    }

    /** Whether a group's release found the agent unreachable (see {@link TtlCheckGroup#close}). */
    boolean unreachable() {
        return unreachable;
    }

    void markUnreachable() {
        unreachable = true;
    }

    /** Runs one agent interaction, translating what the client throws (see {@link ConsulFailures}). */
    <T> T call(String action, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            if (closed && !(e instanceof IllegalStateException)) {
                // The call raced close(), which tore the client down under it: that is the contract's
                // "closed", not backend trouble.
                IllegalStateException racing = new IllegalStateException("this Consul registry was closed during: "
                        + action);
                racing.initCause(e);
                throw racing;
            }
            throw failures.translate(action, e);
        }
    }

    /** {@link #call} for a body without result. */
    void run(String action, Runnable body) {
        call(action, () -> {
            body.run();
            return null;
        });
    }
}

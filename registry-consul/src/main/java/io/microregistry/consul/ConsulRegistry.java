package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.Backoff;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.backend.VersionGrouping;
import org.kiwiproject.consul.Consul;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A {@link Registry} on a Consul agent, laid out as go-micro lays it out: one agent service per
 * node ({@code ID} = node id, {@code Name} = service name), go-micro tags, a TTL check kept
 * passing by a {@link CheckKeeper}. Lookups read the health endpoint (passing nodes only,
 * {@code ?consistent}: see {@link BlockingQuery#CONSISTENT}), so a node whose owner died
 * disappears within its TTL, also across an agent crash; watches are {@link ConsulWatch}es.
 *
 * <p>Thread-safe; every method blocks for at most the configured timeout per agent call.
 * Backend trouble is a {@link RegistryException} subclass; after {@link #close()} every
 * method but {@code close} throws {@link IllegalStateException}.
 */
final class ConsulRegistry implements Registry {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulRegistry.class);

    private final ConsulConnector connector;
    private final ConsulFailures failures;
    private final ExecutorService clientThreads;
    private final Consul consul;
    private final CheckKeeper keeper;
    private final AgentServices agentServices;
    private final Set<ConsulWatch> watches = ConcurrentHashMap.newKeySet();
    /** Push subscriptions of this client, one watch per prefix shared by all subscribers. */
    private final io.microregistry.backend.SubscriptionHub hub = new io.microregistry.backend.SubscriptionHub(this);
    private final ConsulFeed feed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GoMicroTags.Warnings warnings = new GoMicroTags.Warnings();

    ConsulRegistry(ConsulConnector connector) {
        this.connector = connector;
        this.failures = new ConsulFailures(connector.describe(), connector.hasToken());
        this.clientThreads = Executors.newCachedThreadPool(new DaemonThreads("consul-client"));
        this.consul = connector.open(clientThreads);
        this.keeper = new CheckKeeper(consul.agentClient(), connector.describe(), Backoff.DEFAULT);
        this.agentServices = new AgentServices(consul, connector.timeout());
        this.feed = new ConsulFeed(connector, Backoff.DEFAULT, warnings);
        LOG.info("opened Consul registry on agent {}", connector.describe());
    }

    /**
     * Nodes one {@code register} call may carry: each node is one agent registration (plus, for
     * an ID this client does not hold yet, one lookup), and the agent writes each to disk and
     * syncs it to the catalog, so a call's time grows with its nodes; past this it is refused
     * before anything is written rather than left running for minutes.
     */
    static final int MAX_NODES_PER_CALL = 1_000;

    @Override
    public void register(Service service, RegisterOptions options) {
        checkOpen();
        RegistrationRules.checkRegister(service, options);
        if (service.nodes().size() > MAX_NODES_PER_CALL) {
            throw new IllegalArgumentException("service nodes: at most " + MAX_NODES_PER_CALL + " nodes per register "
                    + "call on Consul, was " + service.nodes().size() + "; register them in several calls");
        }
        // All or nothing: what this call wrote is put back as it was if a later node fails.
        List<String> written = new ArrayList<>();
        Map<String, Object> before = new java.util.HashMap<>();
        try {
            for (Node node : service.nodes()) {
                call("register service '" + service.name() + "' node '" + node.id() + "'", () -> {
                    String id = consulId(service.name(), node.id());
                    before.putIfAbsent(id, keeper.snapshot(id));
                    keeper.register(ServiceRecords.registration(service, node, options.ttl(), id),
                            new IdHolder(service.name(), node.id()), options.ttl());
                    written.add(id);
                    if (closed.get()) {
                        // close() ran meanwhile and may have missed this node (its keeper may already be
                        // shut down, so nothing keeps it alive): take it back rather than leave it to its TTL.
                        withdrawAfterClose(id);
                        throw new IllegalStateException("this Consul registry was closed while registering service '"
                                + service.name() + "' node '" + node.id() + "'; the node was deregistered again");
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            rollBack(service.name(), written, before, e);
            throw e;
        }
    }

    /** Puts every ID a failed register call wrote back as it was before the call; failures are suppressed on {@code e}. */
    private void rollBack(String name, List<String> written, Map<String, Object> before, RuntimeException e) {
        for (String id : written) {
            try {
                keeper.restore(id, before.get(id), () -> {
                    try {
                        consul.agentClient().deregister(id);
                    } catch (RuntimeException gone) {
                        if (ConsulFailures.status(gone) != 404) {
                            throw gone;
                        }
                    }
                });
            } catch (RuntimeException undo) {
                e.addSuppressed(failures.translate("roll back service '" + name + "' ID '" + id
                        + "' (it expires with its TTL)", undo));
            }
        }
    }

    @Override
    public void deregister(Service service) {
        checkOpen();
        RegistrationRules.checkDeregister(service);
        // Removes all it can: one node that fails does not keep the others alive.
        RuntimeException first = null;
        List<String> failed = new ArrayList<>();
        for (Node node : service.nodes()) {
            try {
                call("deregister service '" + service.name() + "' node '" + node.id() + "'", () -> {
                    List<String> ids = ConsulIds.plainId(node.id())
                            ? List.of(node.id(), ServiceRecords.qualifiedId(service.name(), node.id()))
                            : List.of(ServiceRecords.qualifiedId(service.name(), node.id()));
                    for (String id : ids) {
                        keeper.deregister(id, () -> removeFromAgent(service.name(), node.id(), id));
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                failed.add(node.id());
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            if (service.nodes().size() == 1) {
                throw first;
            }
            String message = "deregister service '" + service.name() + "': " + failed.size() + " of "
                    + service.nodes().size() + " node(s) could not be removed " + failed + "; the others were. First: "
                    + first.getMessage();
            RuntimeException summary = first instanceof RegistryException r
                    ? rethrowAs(r, message) : new IllegalStateException(message, first);
            throw summary;
        }
    }

    /** A {@link RegistryException} of the same kind as {@code e}, with {@code message}. */
    private static RegistryException rethrowAs(RegistryException e, String message) {
        if (e instanceof io.microregistry.RegistryAuthenticationException) {
            return new io.microregistry.RegistryAuthenticationException(message, e);
        }
        if (e instanceof io.microregistry.RegistryUnavailableException) {
            return new io.microregistry.RegistryUnavailableException(message, e);
        }
        return new RegistryException(message, e);
    }

    /**
     * The Consul service ID for a node: its node id, as go-micro does, unless the agent holds
     * that ID for another node or service name (Consul IDs are unique per agent, node ids only
     * per service); then {@link ServiceRecords#qualifiedId}. A node keeps the ID it already has.
     *
     * <p>What this client keeps alive itself is known without asking the agent, so re-registering
     * a node (and any node whose plain ID this client holds for another service) costs no lookup.
     * Only an ID this client does not hold is looked up, plain and qualified ID in parallel.
     */
    private String consulId(String name, String nodeId) {
        String qualified = ServiceRecords.qualifiedId(name, nodeId);
        if (!ConsulIds.plainId(nodeId)) {
            // Not safe as a Consul ID as it is (case, path characters): only the qualified form is injective.
            return qualified;
        }
        IdHolder keptPlain = keeper.holderOf(nodeId);
        if (keptPlain != null && keptPlain.is(name, nodeId)) {
            return nodeId;
        }
        IdHolder keptQualified = keeper.holderOf(qualified);
        if (keptQualified != null && keptQualified.is(name, nodeId)) {
            return qualified;
        }
        if (keptPlain != null) {
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

    /** Best-effort removal of a node written while close() ran; close() may be removing it too. */
    private void withdrawAfterClose(String id) {
        try {
            keeper.deregister(id, () -> consul.agentClient().deregister(id));
        } catch (RuntimeException e) {
            if (ConsulFailures.status(e) != 404) {
                LOG.warn("could not deregister node '{}' registered while closing, from Consul agent {} ({}); "
                        + "it expires with its TTL", id, connector.describe(), e.getMessage());
            }
        }
    }

    /** Removes the agent service {@code id} if it is node {@code nodeId} of {@code name}; absent is fine. */
    private void removeFromAgent(String name, String nodeId, String id) {
        IdHolder current = agentServices.holderOf(id);
        if (current == null || !current.is(name, nodeId)) {
            return;
        }
        try {
            consul.agentClient().deregister(id);
        } catch (RuntimeException e) {
            if (ConsulFailures.status(e) != 404) {
                throw e;
            }
        }
    }

    @Override
    public List<Service> getService(String name) {
        checkOpen();
        RegistrationRules.checkServiceName(name);
        return call("look up service '" + name + "'", () -> VersionGrouping.group(ServiceRecords.passing(name,
                consul.healthClient().getHealthyServiceInstances(ConsulIds.consulName(name), BlockingQuery.CONSISTENT)
                        .getResponse(), warnings).values()));
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        // One consistent read of the node dump, not one health read per service name.
        return call("list services", () -> {
            List<Service> records = new ArrayList<>();
            feed.readOnce().values().forEach(byKey -> records.addAll(byKey.values()));
            return VersionGrouping.group(records);
        });
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
        ConsulWatch watch = new ConsulWatch(options, feed::status, w -> {
            watches.remove(w);
            feed.detach(w);
        });
        watches.add(watch);
        String what = options.service().map(s -> "watch service '" + s + "'").orElse("watch all services");
        Watcher watcher;
        try {
            watcher = call(what, () -> watch.establish(feed.attach(watch)));
        } catch (RuntimeException e) {
            watch.stop();
            throw e;
        }
        if (closed.get()) {
            // close() ran meanwhile and may have missed this watch.
            watch.stop();
        }
        return watcher;
    }

    /**
     * Stops keeping this client's nodes alive without deregistering them or telling the agent,
     * as a crash would; a later {@link #close()} leaves them to expire. For test fixtures.
     */
    void abandon() {
        keeper.abandonAll();
        LOG.info("abandoned this client's registrations on Consul agent {}", connector.describe());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        hub.close();
        List<ConsulWatch> open = List.copyOf(watches);
        open.forEach(ConsulWatch::stop);
        feed.close();
        deregisterOwn();
        keeper.shutdown();
        consul.destroy();
        try {
            feed.awaitTermination(Duration.ofSeconds(2));
            clientThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("closed Consul registry on agent {}", connector.describe());
    }

    /**
     * Deregisters this client's nodes, one agent call each. Once the agent could not be reached
     * (no answer within the timeout, refused) the rest are not tried: each would wait out the
     * same timeout, and close would take the number of nodes times the timeout. They expire by TTL.
     */
    private void deregisterOwn() {
        List<String> ids = keeper.ids();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            try {
                keeper.deregister(id, () -> consul.agentClient().deregister(id));
            } catch (RuntimeException e) {
                int status = ConsulFailures.status(e);
                if (status == 404) {
                    continue; // already gone (agent restarted, reaped, or removed by another client)
                }
                if (status < 0) {
                    int left = ids.size() - i;
                    keeper.abandonAll();
                    LOG.warn("Consul agent {} could not be reached on close ({}); {} node(s) of this client were "
                            + "not deregistered and expire with their TTL", connector.describe(), e.getMessage(), left);
                    return;
                }
                LOG.warn("could not deregister node '{}' from Consul agent {} on close ({}); it expires with its TTL",
                        id, connector.describe(), e.getMessage());
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("this Consul registry is closed");
        }
    }

    private <T> T call(String action, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            if (closed.get() && !(e instanceof IllegalStateException)) {
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

    /** The agent service ids this client keeps alive. For fault-injection tests. */
    java.util.Set<String> keptIds() {
        return keeper.keptIds();
    }

}

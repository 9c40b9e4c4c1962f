package io.microregistry.consul;

import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.Backoff;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.EventQueue;
import io.microregistry.backend.SnapshotDiff;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watcher over Consul, built from blocking queries. A single-service watch runs one health
 * query (passing nodes only) for that service; an all-services watch runs a catalog-services
 * query that starts a health query for every service name that appears, and retires it once
 * the name has left the catalog and its last node was reported gone. Each health query keeps
 * the last view of its service and turns the next view into per-node CREATE/UPDATE/DELETE
 * events with {@link SnapshotDiff}.
 *
 * <p>The watch owns its own Consul client, so {@link #stop()} cancels every query in flight at
 * once instead of waiting out Consul's wait time. The price: each watch holds one thread and one
 * agent HTTP connection per blocking query (a single-service watch one, an all-services watch one
 * per service plus one for the catalog), and Consul refuses more than
 * {@code limits.http_max_conns_per_client} (default 200) connections from one IP, keep-alive
 * passes included. Sharing one client across watches needs per-call cancellation the
 * consul-client API does not expose; not done yet.
 *
 * <p>Thread-safe. {@link #establish()} is called once, by the thread that opens the watch.
 */
final class ConsulWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulWatch.class);

    private final WatchOptions options;
    private final Backoff backoff;
    private final String agentName;
    private final Consumer<ConsulWatch> onStop;
    private final ExecutorService executor;
    private final Consul consul;
    private final EventQueue queue;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final GoMicroTags.Warnings warnings = new GoMicroTags.Warnings();
    /** Live per-service queries by service name. Guarded by {@code this}. */
    private final Map<String, ServiceQuery> services = new HashMap<>();
    private volatile BlockingQuery<Map<String, List<String>>> catalog;

    ConsulWatch(ConsulConnector connector, WatchOptions options, Backoff backoff, Consumer<ConsulWatch> onStop) {
        this.options = options;
        this.backoff = backoff;
        this.agentName = connector.describe();
        this.onStop = onStop;
        this.executor = Executors.newCachedThreadPool(new DaemonThreads("consul-watch"));
        this.consul = connector.open(executor);
        this.queue = new EventQueue(options, this::stop);
    }

    /**
     * Reads the current state (the baseline, reported as nothing) and starts the blocking
     * queries; every change after this returns is delivered. Throws what the client throws if
     * the first read fails, after releasing everything.
     */
    Watcher establish() {
        try {
            if (options.service().isPresent()) {
                ServiceQuery query = new ServiceQuery(options.service().get());
                query.baseline();
                synchronized (this) {
                    services.put(query.name, query);
                }
                executor.execute(query::run);
            } else {
                catalog = new BlockingQuery<>("Consul catalog services on " + agentName,
                        opts -> consul.catalogClient().getServices(opts), backoff);
                Set<String> names = decodedNames(catalog.next(true).keySet());
                for (String name : names) {
                    ServiceQuery query = new ServiceQuery(name);
                    query.baseline();
                    synchronized (this) {
                        services.put(name, query);
                    }
                }
                synchronized (this) {
                    services.values().forEach(q -> executor.execute(q::run));
                }
                executor.execute(this::followCatalog);
            }
            return queue;
        } catch (RuntimeException e) {
            queue.stop();
            throw e;
        }
    }

    /** Stops every query, cancels calls in flight and releases the threads. Idempotent, non-blocking. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        queue.stop();
        if (catalog != null) {
            catalog.stop();
        }
        synchronized (this) {
            services.values().forEach(q -> q.query.stop());
        }
        consul.destroy();
        onStop.accept(this);
    }

    /** Waits up to {@code timeout} for the watch's threads to end after {@link #stop()}. */
    void awaitTermination(Duration timeout) throws InterruptedException {
        executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void followCatalog() {
        while (!stopped.get()) {
            Map<String, List<String>> answer = catalog.next(false);
            if (answer == null) {
                return;
            }
            Set<String> names = decodedNames(answer.keySet());
            synchronized (this) {
                if (stopped.get()) {
                    return;
                }
                for (String name : names) {
                    ServiceQuery query = services.get(name);
                    if (query == null) {
                        // New since the baseline: its nodes are all news, so start from an empty view.
                        query = new ServiceQuery(name);
                        services.put(name, query);
                        executor.execute(query::run);
                    }
                    query.retired = false;
                }
                for (ServiceQuery query : services.values()) {
                    if (!names.contains(query.name)) {
                        query.retired = true;
                    }
                }
            }
        }
    }

    /** The names of the Consul services that can be read back (see {@link ConsulIds}); the rest is skipped. */
    private Set<String> decodedNames(Set<String> consulNames) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String consulName : consulNames) {
            String name = ConsulIds.name(consulName);
            if (name != null && ConsulIds.addressable(consulName)) {
                names.add(name);
            } else if (warnings.first("unreadable\u0000" + consulName)) {
                LOG.warn("watch skips Consul service '{}': its name cannot be read back through the HTTP API",
                        consulName);
            }
        }
        return names;
    }

    /** The blocking health query of one service and its last view. */
    private final class ServiceQuery {
        final String name;
        final BlockingQuery<List<ServiceHealth>> query;
        /** Decodes answers, reusing the last answer's records. Only the query's thread uses it after baseline. */
        final HealthDecoder decoder;
        /** The last view, by Consul node and service id. Only the query's thread touches it after baseline. */
        Map<String, Service> view = Map.of();
        /** The name left the catalog: end once the view is empty. Guarded by the watch. */
        boolean retired;

        ServiceQuery(String name) {
            this.name = name;
            this.query = new BlockingQuery<>("Consul health of service '" + name + "' on " + agentName,
                    opts -> consul.healthClient().getHealthyServiceInstances(ConsulIds.consulName(name), opts), backoff);
            this.decoder = new HealthDecoder(name, warnings);
        }

        void baseline() {
            view = decoder.decode(query.next(true));
        }

        void run() {
            try {
                while (!stopped.get()) {
                    List<ServiceHealth> answer = query.next(false);
                    if (answer == null) {
                        return;
                    }
                    Map<String, Service> now = decoder.decode(answer);
                    List<WatchEvent> events = SnapshotDiff.diff(view, now);
                    view = now;
                    events.forEach(queue::offer);
                    synchronized (ConsulWatch.this) {
                        if (retired && view.isEmpty()) {
                            services.remove(name, this);
                            return;
                        }
                    }
                }
            } catch (RuntimeException e) {
                // Not expected (decoding skips bad records); a dead loop would silently lose events.
                LOG.error("watch of service '{}' on Consul agent {} failed; stopping the watcher", name, agentName, e);
                stop();
            }
        }
    }
}

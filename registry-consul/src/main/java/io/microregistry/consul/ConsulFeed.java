package io.microregistry.consul;

import io.microregistry.Backoff;
import io.microregistry.Service;
import io.microregistry.WatchStatus;
import io.microregistry.backend.DaemonThreads;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The one subscription of a client to Consul, shared by all its watchers: a single blocking
 * {@link NodeDump} query that hands every new view of the whole catalog to each attached
 * {@link ConsulWatch}. Following one service or a thousand costs one thread and one held agent
 * connection per client (plus one short read per watch opened, for its baseline).
 *
 * <p>Started by the first {@link #attach}, stopped by {@link #close()}. Thread-safe.
 */
final class ConsulFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulFeed.class);

    private final ConsulConnector connector;
    private final Backoff backoff;
    private final GoMicroTags.Warnings warnings;
    private final ExecutorService executor;
    private final OkHttpClient http;
    /** Attached watches and the index of the view each one already has. */
    private final Map<ConsulWatch, BigInteger> watches = new ConcurrentHashMap<>();
    private BlockingQuery<NodeDump.Answer> query;
    private NodeDump follower;
    private BigInteger lastIndex = BigInteger.ZERO;
    private boolean closed;
    private final ConsulFailures failures;
    private volatile WatchStatus status = WatchStatus.current();

    ConsulFeed(ConsulConnector connector, Backoff backoff, GoMicroTags.Warnings warnings) {
        this.connector = connector;
        this.backoff = backoff;
        this.warnings = warnings;
        this.failures = new ConsulFailures(connector.describe(), connector.hasToken());
        this.executor = Executors.newCachedThreadPool(new DaemonThreads("consul-feed"));
        // A blocking query may be held for WAIT plus Consul's jitter (WAIT/16) before it answers.
        this.http = connector.http(executor, BlockingQuery.WAIT.plus(BlockingQuery.WAIT.dividedBy(16))
                .plus(connector.timeout()));
    }

    /**
     * Reads the current view (one consistent read), attaches {@code watch} with it as its baseline
     * and starts following if this is the first watch. Throws the client's exceptions if the read fails.
     */
    Map<String, Map<String, Service>> attach(ConsulWatch watch) {
        NodeDump reader = new NodeDump(http, connector.baseUrl(), connector.token(), warnings);
        NodeDump.Answer answer = reader.read(BlockingQuery.CONSISTENT).getResponse();
        Map<String, Map<String, Service>> view = reader.decode(answer);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this Consul registry is closed");
            }
            watches.put(watch, answer.index());
            if (query == null) {
                follower = new NodeDump(http, connector.baseUrl(), connector.token(), warnings);
                query = new BlockingQuery<>("Consul catalog (node dump) on " + connector.describe(),
                        follower::read, backoff, this::health);
                executor.execute(this::follow);
            }
        }
        return view;
    }

    /** Whether the feed follows the agent now; STALE with the (translated) cause while its query fails. */
    WatchStatus status() {
        return status;
    }

    private void health(Exception failure) {
        if (failure == null) {
            // The answer that ends the outage is handed to every watch next, which diffs it against its view.
            status = WatchStatus.current();
        } else {
            RuntimeException translated = failures.translate("follow the catalog",
                    failure instanceof RuntimeException r ? r : new org.kiwiproject.consul.ConsulException(failure));
            status = WatchStatus.of(WatchStatus.State.STALE, translated instanceof io.microregistry.RegistryException re
                    ? re : new io.microregistry.RegistryException(translated.getMessage(), translated));
        }
    }

    /** Stops handing views to {@code watch}. */
    void detach(ConsulWatch watch) {
        watches.remove(watch);
    }

    /** Number of watches attached now. */
    int attached() {
        return watches.size();
    }

    private void follow() {
        BlockingQuery<NodeDump.Answer> q;
        synchronized (this) {
            q = query;
        }
        try {
            while (true) {
                NodeDump.Answer answer = q.next(false);
                if (answer == null) {
                    return;
                }
                Map<String, Map<String, Service>> view = follower.decode(answer);
                boolean reset = answer.index().compareTo(lastIndex) < 0;
                lastIndex = answer.index();
                for (Map.Entry<ConsulWatch, BigInteger> attached : watches.entrySet()) {
                    // A watch that attached with a newer view skips older ones; after an agent restart
                    // (the index went back) every watch takes the new view.
                    if (reset || answer.index().compareTo(attached.getValue()) > 0) {
                        attached.setValue(answer.index());
                        attached.getKey().accept(view);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Not expected (decoding skips bad records); a dead loop would silently lose events.
            LOG.error("the Consul feed on {} failed; stopping its watchers", connector.describe(), e);
            watches.keySet().forEach(ConsulWatch::stop);
        }
    }

    /** Stops following, cancels the query in flight and releases the thread and connections. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (query != null) {
                query.stop();
                follower.cancel();
            }
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.connectionPool().evictAll();
    }

    /** Waits up to {@code timeout} for the feed's thread to end after {@link #close()}. */
    void awaitTermination(Duration timeout) throws InterruptedException {
        executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}

package io.microregistry.consul;

import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchStatus;
import io.microregistry.backend.DaemonThreads;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The one subscription of a client to Consul, shared by all its watches: a single blocking
 * {@link NodeDump} query that hands every new view of the whole catalog to each attached
 * {@link ConsulWatch}, which pushes its difference to its sink. Following one service or a
 * thousand costs one thread and one held agent connection per client (plus one short read per
 * watch opened, for its baseline).
 *
 * <p><b>Threading.</b> The feed's one thread ({@code consul-feed-N}) runs the query and calls
 * every watch's {@link ConsulWatch#accept} in turn, so the events of one watch are pushed
 * serially and in the catalog's order. Health is pushed to every attached watch on each change
 * of state ({@link ConsulWatch#status}): STALE with the translated cause when the query starts
 * failing, CURRENT again right after the answer that ends the outage was handed to every watch.
 * A watch attached while the feed is not CURRENT gets that status at once, on the attaching thread.
 *
 * <p><b>Ending.</b> Started by the first {@link #attach}; stopped by {@link #close()}, which pushes
 * {@link ConsulWatch#broken} to every watch still attached. If the loop fails unexpectedly, every
 * attached watch is broken the same way and the next {@link #attach} starts a new query.
 *
 * <p>Thread-safe. The feed's lock is held while it pushes a status, never while a watch is
 * closed ({@link #detach} takes no lock), so a sink may close its watch under its own lock.
 */
final class ConsulFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulFeed.class);

    private final ConsulConnector connector;
    private final Backoff backoff;
    private final GoMicroTags.Warnings warnings;
    private final ExecutorService executor;
    private final OkHttpClient http;
    private final ConsulFailures failures;
    /** Attached watches and the index of the view each one already has. */
    private final Map<ConsulWatch, BigInteger> watches = new ConcurrentHashMap<>();
    /** The query the feed's thread runs, null until the first attach (and after it failed). Guarded by {@code this}. */
    private BlockingQuery<NodeDump.Answer> query;
    /** The reader {@link #query} calls, to cancel the call in flight. Guarded by {@code this}. */
    private NodeDump follower;
    /** Guarded by {@code this}. */
    private boolean closed;
    /** The feed's health, which every watch has been told. Guarded by {@code this}. */
    private WatchStatus status = WatchStatus.current();
    /** Feed thread only: the query answers again after failing; CURRENT follows once that answer was handed out. */
    private boolean recovered;

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
     * Reads the current view (one consistent read), gives it to {@code watch} as its baseline,
     * attaches it (pushing the feed's status at once unless CURRENT) and starts following if no
     * query runs yet. Throws the client's exceptions if the read fails, {@link IllegalStateException}
     * once closed.
     */
    void attach(ConsulWatch watch) {
        NodeDump reader = new NodeDump(http, connector.baseUrl(), connector.token(), warnings);
        NodeDump.Answer answer = reader.read(BlockingQuery.CONSISTENT).getResponse();
        watch.baseline(reader.decode(answer));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("this Consul registry is closed");
            }
            watches.put(watch, answer.index());
            if (watch.isEnded()) {
                // Closed while its baseline was read: its close() may have missed the put.
                watches.remove(watch);
                return;
            }
            if (!status.isCurrent()) {
                watch.status(status);
            }
            if (query == null) {
                NodeDump reading = new NodeDump(http, connector.baseUrl(), connector.token(), warnings);
                BlockingQuery<NodeDump.Answer> started = new BlockingQuery<>("Consul catalog (node dump) on "
                        + connector.describe(), reading::read, backoff, this::health);
                query = started;
                follower = reading;
                executor.execute(() -> follow(started, reading));
            }
        }
    }

    /** Called by the query on the feed's thread once per change of state: a failure starts an outage, null ends it. */
    private void health(Exception failure) {
        if (failure == null) {
            // The answer that ends the outage is handed to every watch next; CURRENT follows it.
            recovered = true;
        } else {
            recovered = false;
            publish(WatchStatus.of(WatchStatus.State.STALE, registryFailure("follow the catalog",
                    failure instanceof RuntimeException r ? r : new org.kiwiproject.consul.ConsulException(failure))));
        }
    }

    /** Makes {@code next} the feed's status and pushes it to every attached watch. */
    private synchronized void publish(WatchStatus next) {
        if (closed) {
            return;
        }
        status = next;
        watches.keySet().forEach(watch -> watch.status(next));
    }

    private RegistryException registryFailure(String action, RuntimeException failure) {
        RuntimeException translated = failures.translate(action, failure);
        return translated instanceof RegistryException known ? known
                : new RegistryUnavailableException(translated.getMessage(), translated);
    }

    /** Stops handing views to {@code watch}. Takes no lock, never blocks. */
    void detach(ConsulWatch watch) {
        watches.remove(watch);
    }

    /** Number of watches attached now. */
    int attached() {
        return watches.size();
    }

    private void follow(BlockingQuery<NodeDump.Answer> q, NodeDump reader) {
        BigInteger lastIndex = BigInteger.ZERO;
        try {
            while (true) {
                NodeDump.Answer answer = q.next(false);
                if (answer == null) {
                    break;
                }
                Map<String, Map<String, Service>> view = reader.decode(answer);
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
                if (recovered) {
                    recovered = false;
                    publish(WatchStatus.current());
                }
            }
        } catch (RuntimeException e) {
            // Not expected (decoding skips bad records); a dead loop would silently lose events.
            LOG.error("the Consul feed on {} failed; its watches are broken", connector.describe(), e);
            end(q, registryFailure("follow the catalog", e));
            return;
        }
        // Stopped: by close() (which breaks the watches itself), or interrupted by something else.
        end(q, new RegistryUnavailableException("the Consul feed on " + connector.describe()
                + " stopped: its thread was interrupted", null));
    }

    /**
     * The loop of {@code q} ended without {@link #close()}: detaches every watch and pushes
     * {@code cause} to it; the next {@link #attach} starts a new query.
     */
    private void end(BlockingQuery<NodeDump.Answer> q, RegistryException cause) {
        List<ConsulWatch> open;
        synchronized (this) {
            if (closed || query != q) {
                return;
            }
            q.stop();
            query = null;
            follower = null;
            status = WatchStatus.current();
            open = List.copyOf(watches.keySet());
            watches.clear();
        }
        open.forEach(watch -> watch.broken(cause));
    }

    /**
     * Stops following, cancels the query in flight, releases the thread and connections, and then
     * pushes {@link ConsulWatch#broken} to every watch still attached (none once the core closed them all).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
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
        List<ConsulWatch> open = List.copyOf(watches.keySet());
        watches.clear();
        if (!open.isEmpty()) {
            RegistryUnavailableException cause = new RegistryUnavailableException("the Consul registry on "
                    + connector.describe() + " was closed", null);
            open.forEach(watch -> watch.broken(cause));
        }
    }

    /** Waits up to {@code timeout} for the feed's thread to end after {@link #close()}. */
    void awaitTermination(Duration timeout) throws InterruptedException {
        executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}

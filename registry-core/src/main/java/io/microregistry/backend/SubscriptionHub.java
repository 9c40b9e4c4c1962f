package io.microregistry.backend;

import io.microregistry.Backoff;
import io.microregistry.Registry;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.metrics.RegistryObserver;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The push subscriptions of one {@link Registry} client, shared per prefix: every subscriber of
 * the same filter (one service, or all services) shares one backend {@link io.microregistry.Watcher}
 * and one view of that prefix, kept by one pump thread; the watch is closed when its last
 * subscriber leaves. Listeners are called on a bounded pool ({@link #DELIVERY_THREADS} daemon
 * threads named {@code micro-registry-delivery-N}, started on demand and ended when idle), one
 * call at a time per subscription, in order. So following changes costs a client one backend
 * watch and one pump thread per distinct prefix (one in all for a cache, which follows every
 * service through one subscription), plus the bounded delivery pool — never a thread per
 * subscriber.
 *
 * <p><b>Slow listeners</b> are never fed an unbounded backlog: changes waiting for a listener
 * are coalesced per node (the latest state of each node wins, see {@link Member}), so what waits
 * is bounded by the number of nodes in the prefix, whatever the rate of change.
 *
 * <p><b>Health.</b> The pump asks the backend watcher for its {@link io.microregistry.Watcher#status()
 * status} after every event and at least every {@link Feed#STATUS_POLL}; a watcher that breaks
 * (stops without being asked) is re-opened with {@link Backoff#DEFAULT backoff}, the prefix re-read,
 * and the difference delivered as events (RESYNCING, then STALE if the re-open fails, then
 * CURRENT). Each change of state is passed to every subscriber's
 * {@link WatchListener#onStatus} and logged once (one line per prefix and change).
 *
 * <p>Backends hold one hub per client, delegate {@link Registry#subscribe} to
 * {@link #subscribe} and call {@link #close()} from their own {@code close()}.
 * {@link Registry#subscribe}'s default uses a hub of its own per call.
 *
 * <p>Thread-safe. {@link #subscribe} blocks while it opens a prefix's watch and reads the prefix
 * (only the first subscriber of a prefix); everything else is non-blocking.
 */
public final class SubscriptionHub implements AutoCloseable {

    /** The most threads that call listeners, per client. */
    public static final int DELIVERY_THREADS = 2;

    private final Registry registry;
    private final RegistryObserver observer;
    private final ThreadPoolExecutor delivery;
    private final DaemonThreads pumps = new DaemonThreads("micro-registry-watch");
    private final Map<Optional<String>, Feed> feeds = new HashMap<>();
    private boolean closed;

    /** A hub over {@code registry}'s {@link Registry#watch} and reads, reporting to no observer. */
    public SubscriptionHub(Registry registry) {
        this(registry, RegistryObserver.none());
    }

    /**
     * A hub over {@code registry}'s {@link Registry#watch} and reads whose watches report their
     * status changes and resyncs to {@code observer} (guarded here).
     */
    public SubscriptionHub(Registry registry, RegistryObserver observer) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (observer == null) {
            throw new IllegalArgumentException("observer must not be null");
        }
        this.registry = registry;
        this.observer = RegistryObserver.guarded(observer);
        this.delivery = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DaemonThreads("micro-registry-delivery"));
        this.delivery.allowCoreThreadTimeOut(true);
    }

    /**
     * Subscribes {@code listener} to {@code options}' prefix, sharing the prefix's backend watch
     * with every other subscriber of this hub. See {@link Registry#subscribe}.
     *
     * @throws IllegalArgumentException if an argument is null
     * @throws IllegalStateException    if the hub is closed
     * @throws io.microregistry.RegistryException if the backend watch cannot be opened or the
     *                                  prefix cannot be read (first subscriber of a prefix)
     */
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        synchronized (feeds) {
            if (closed) {
                throw new IllegalStateException("registry is closed");
            }
            Feed feed = feeds.get(options.service());
            if (feed == null) {
                // Opening blocks under the hub's lock: a prefix's first subscribers share one open.
                feed = Feed.open(registry, options, observer, pumps, this::release);
                feeds.put(options.service(), feed);
            }
            Member member = new Member(listener, delivery, feed::leave);
            feed.join(member);
            return member.subscription();
        }
    }

    /** Number of backend watches this hub holds open, one per distinct prefix followed. */
    public int openWatches() {
        synchronized (feeds) {
            return feeds.size();
        }
    }

    private void release(Feed feed) {
        synchronized (feeds) {
            feeds.remove(feed.prefix(), feed);
        }
    }

    /** Closes every subscription and backend watch of this hub. Idempotent, non-blocking. */
    @Override
    public void close() {
        Feed[] open;
        synchronized (feeds) {
            closed = true;
            open = feeds.values().toArray(new Feed[0]);
            feeds.clear();
        }
        for (Feed feed : open) {
            feed.close();
        }
        delivery.shutdown();
    }
}

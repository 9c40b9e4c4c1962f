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
 * the same filter (one service, or all services) shares one backend watch and one view of that
 * prefix; the watch is closed when its last subscriber leaves. Listeners are called on a bounded
 * pool ({@link #DELIVERY_THREADS} daemon threads named {@code micro-registry-delivery-N}, started
 * on demand and ended when idle), one call at a time per subscription, in order.
 *
 * <p><b>Cost.</b> Over a {@link StoreRegistry} the store's watch pushes into the prefix's view on
 * the backend's own threads, so following any number of prefixes costs no thread of the hub's
 * beyond the delivery pool (a thread named {@code micro-registry-watch-N} runs only while a broken
 * watch is re-opened). Over any other {@link Registry} its pull watcher is read by one pump thread
 * per distinct prefix. Either way: never a thread per subscriber, and one for all services for a
 * cache, which follows every service through one subscription.
 *
 * <p><b>Slow listeners</b> are never fed an unbounded backlog: changes waiting for a listener
 * are coalesced per node (the latest state of each node wins, see {@link Member}), so what waits
 * is bounded by the number of nodes in the prefix, whatever the rate of change.
 *
 * <p><b>Health.</b> The watch pushes each change of its {@link io.microregistry.WatchStatus status};
 * a watch that breaks is re-opened with {@link Backoff#DEFAULT backoff}, the prefix re-read, and
 * the difference delivered as events (RESYNCING, then STALE if the re-open fails, then CURRENT).
 * Each change of state is passed to every subscriber's {@link WatchListener#onStatus} and logged
 * once (one line per prefix and change).
 *
 * <p>{@link StoreRegistry} holds one hub per client, delegates {@link Registry#subscribe} to
 * {@link #subscribe} and closes it from its own {@code close()}. {@link Registry#subscribe}'s
 * default uses a hub of its own per call.
 *
 * <p>Thread-safe. {@link #subscribe} blocks while it opens a prefix's watch and reads the prefix
 * (only the first subscriber of a prefix); everything else is non-blocking.
 */
public final class SubscriptionHub implements AutoCloseable {

    /** The most threads that call listeners, per client. */
    public static final int DELIVERY_THREADS = 2;

    private final Registry registry;
    private final WatchSource source;
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
        this(registry, null, observer);
    }

    /**
     * A hub whose prefixes are watched through {@code source} (a store's push watch; null: pump
     * {@code registry}'s pull watchers) and read through {@code registry}.
     */
    SubscriptionHub(Registry registry, WatchSource source, RegistryObserver observer) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (observer == null) {
            throw new IllegalArgumentException("observer must not be null");
        }
        this.registry = registry;
        this.source = source != null ? source : PumpedWatch.over(registry, pumps);
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
                feed = Feed.open(registry, source, options, observer, pumps, this::release);
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

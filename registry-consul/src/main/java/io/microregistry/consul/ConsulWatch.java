package io.microregistry.consul;

import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.SnapshotDiff;
import io.microregistry.backend.WatchSink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One push watch over Consul ({@link ConsulStore#watch}), fed by the client's shared
 * {@link ConsulFeed}: it keeps the last view of what it follows (one service, or all), turns each
 * new view of the catalog into per-node CREATE/UPDATE/DELETE events with {@link SnapshotDiff} and
 * pushes them to its {@link WatchSink}. It holds no thread, queue or connection of its own, so a
 * client may follow any number of services.
 *
 * <p><b>What is pushed when.</b> {@link WatchSink#event} for each change after the baseline the
 * watch was attached with, in the catalog's order, always on the feed's one thread (so never two
 * at once); {@link WatchSink#status} for each change of the feed's health (STALE with the
 * translated cause while the shared query fails, CURRENT once the answer that ends the outage has
 * been diffed and pushed), from the feed's thread, or from the opening thread at once if the feed
 * is not CURRENT when the watch is attached; {@link WatchSink#broken} once if the feed ends
 * without this watch being closed (the store closed, or the feed's loop failed).
 *
 * <p>Thread-safe. {@link #close()} may be called from any thread, also from within the sink; it
 * is idempotent, takes no lock and never blocks. Nothing is pushed once it has returned, except
 * that a push already under way on another thread at that moment may still complete (waiting for
 * it could deadlock with a sink that closes the watch under the lock its pushes take).
 */
final class ConsulWatch implements PrefixWatch {
    private final WatchOptions options;
    private final WatchSink sink;
    private final Consumer<ConsulWatch> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The last view, by service name and entry key. Guarded by {@code this}. */
    private Map<String, Service> view = Map.of();

    /**
     * @param onEnd called once when the watch ends, closed or broken (detach it from the feed);
     *              must not block or take a lock
     */
    ConsulWatch(WatchOptions options, WatchSink sink, Consumer<ConsulWatch> onEnd) {
        this.options = options;
        this.sink = sink;
        this.onEnd = onEnd;
    }

    /**
     * Takes {@code catalog} (the whole catalog view at the time the watch opened) as known, so it
     * is pushed as nothing; every later change is pushed. Called by the feed before it attaches the watch.
     */
    synchronized void baseline(Map<String, Map<String, Service>> catalog) {
        view = scope(catalog);
    }

    /** A newer view of the whole catalog, on the feed's thread: pushes what changed in this watch's scope. */
    void accept(Map<String, Map<String, Service>> catalog) {
        if (ended.get()) {
            return;
        }
        List<WatchEvent> events;
        synchronized (this) {
            Map<String, Service> now = scope(catalog);
            events = SnapshotDiff.diff(view, now);
            view = now;
        }
        for (WatchEvent event : events) {
            if (ended.get()) {
                return;
            }
            sink.event(event);
        }
    }

    /** The feed's health changed (or is not CURRENT as this watch attaches): pushes it unless ended. */
    void status(WatchStatus status) {
        if (!ended.get()) {
            sink.status(status);
        }
    }

    /** The feed ended under this open watch: ends it and pushes {@code cause} once. */
    void broken(RegistryException cause) {
        if (ended.compareAndSet(false, true)) {
            onEnd.accept(this);
            sink.broken(cause);
        }
    }

    /** Whether the watch was closed or broken. */
    boolean isEnded() {
        return ended.get();
    }

    private Map<String, Service> scope(Map<String, Map<String, Service>> catalog) {
        if (options.service().isPresent()) {
            return catalog.getOrDefault(options.service().get(), Map.of());
        }
        Map<String, Service> all = new HashMap<>();
        catalog.forEach((name, records) -> records.forEach((key, record) -> all.put(name + '\u0000' + key, record)));
        return all;
    }

    /** Stops the watch and detaches it from the feed. Idempotent, non-blocking, never throws. */
    @Override
    public void close() {
        if (ended.compareAndSet(false, true)) {
            onEnd.accept(this);
        }
    }
}

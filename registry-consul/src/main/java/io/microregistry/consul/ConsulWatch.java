package io.microregistry.consul;

import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.backend.EventQueue;
import io.microregistry.backend.SnapshotDiff;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watcher over Consul, fed by the client's shared {@link ConsulFeed}: it keeps the last view
 * of what it follows (one service, or all) and turns each new view into per-node
 * CREATE/UPDATE/DELETE events with {@link SnapshotDiff}. It holds no thread and no connection of
 * its own, so a client may follow any number of services.
 *
 * <p>Thread-safe: {@link #accept} is called by the feed's one thread, {@link #stop()} from any.
 */
final class ConsulWatch {
    private final WatchOptions options;
    private final Consumer<ConsulWatch> onStop;
    private final EventQueue queue;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** The last view, by service name and entry key. Guarded by {@code this}. */
    private Map<String, Service> view = Map.of();

    private final java.util.function.Supplier<WatchStatus> status;

    /**
     * @param status the feed's status, which is this watch's: STALE while the shared query fails
     */
    ConsulWatch(WatchOptions options, java.util.function.Supplier<WatchStatus> status, Consumer<ConsulWatch> onStop) {
        this.options = options;
        this.status = status;
        this.onStop = onStop;
        this.queue = new EventQueue(options, this::stop, status);
    }

    /**
     * Takes {@code baseline} (the whole catalog view at the time the watch opened) as known, so it
     * is reported as nothing; every later change is delivered. Returns the watcher to hand out:
     * the event queue, which reports the feed's status.
     */
    synchronized Watcher establish(Map<String, Map<String, Service>> baseline) {
        view = scope(baseline);
        return queue;
    }

    /** A newer view of the whole catalog: delivers what changed in this watch's scope. */
    synchronized void accept(Map<String, Map<String, Service>> catalog) {
        if (stopped.get()) {
            return;
        }
        Map<String, Service> now = scope(catalog);
        List<WatchEvent> events = SnapshotDiff.diff(view, now);
        view = now;
        events.forEach(queue::offer);
    }

    private Map<String, Service> scope(Map<String, Map<String, Service>> catalog) {
        if (options.service().isPresent()) {
            return catalog.getOrDefault(options.service().get(), Map.of());
        }
        Map<String, Service> all = new HashMap<>();
        catalog.forEach((name, records) -> records.forEach((key, record) -> all.put(name + '\u0000' + key, record)));
        return all;
    }

    /** Stops the watcher. Idempotent, non-blocking. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        queue.stop();
        onStop.accept(this);
    }
}

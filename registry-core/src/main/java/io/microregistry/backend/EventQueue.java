package io.microregistry.backend;

import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.Optional;

/**
 * A {@link Watcher} fed by a backend: the backend {@link #offer offers} events, the user
 * takes them. Unbounded, so a slow reader never makes the backend drop an event; filters by
 * the watch options' service. The queueing and stop semantics are {@link StoppableQueue}'s.
 *
 * <p>Thread-safe: any number of producers, one consumer.
 */
public final class EventQueue implements Watcher {

    private final WatchOptions options;
    private final Runnable onStop;
    private final StoppableQueue<WatchEvent> queue = new StoppableQueue<>();
    private final java.util.function.Supplier<WatchStatus> status;

    /**
     * @param options which events to keep
     * @param onStop  run once when the watcher stops (release the backend watch); may be null
     */
    public EventQueue(WatchOptions options, Runnable onStop) {
        this(options, onStop, WatchStatus::current);
    }

    /**
     * A queue that is the whole user-facing watcher of a backend watch: {@link #status()} answers
     * what {@code status} says (the backend watch's own health).
     *
     * @param options which events to keep
     * @param onStop  run once when the watcher stops (release the backend watch); may be null
     * @param status  the backend watch's status, read on every {@link #status()}; non-blocking
     */
    public EventQueue(WatchOptions options, Runnable onStop, java.util.function.Supplier<WatchStatus> status) {
        this.options = options;
        this.onStop = onStop == null ? () -> { } : onStop;
        this.status = status;
    }

    /** The filter this queue applies. */
    public WatchOptions options() {
        return options;
    }

    /** Queues the event if it passes the filter and the watcher is open. Never blocks. */
    public void offer(WatchEvent event) {
        if (options.matches(event.service().name())) {
            queue.add(event);
        }
    }

    @Override
    public WatchEvent next() throws InterruptedException {
        return queue.next();
    }

    @Override
    public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
        return queue.next(timeout);
    }

    @Override
    public void stop() {
        if (queue.stop()) {
            onStop.run();
        }
    }

    @Override
    public boolean isStopped() {
        return queue.isStopped();
    }

    @Override
    public WatchStatus status() {
        return status.get();
    }
}

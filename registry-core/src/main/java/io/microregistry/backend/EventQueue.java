package io.microregistry.backend;

import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Watcher} fed by a backend: the backend {@link #offer offers} events, the user
 * takes them. Unbounded, so a slow reader never makes the backend drop an event; filters by
 * the watch options' service.
 *
 * <p>Thread-safe: any number of producers, one consumer.
 */
public final class EventQueue implements Watcher {

    /** Wakes a reader blocked in {@code take} when the queue stops. */
    private static final Object STOPPED = new Object();

    private final WatchOptions options;
    private final Runnable onStop;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
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
        if (!stopped.get() && options.matches(event.service().name())) {
            queue.add(event);
        }
    }

    @Override
    public WatchEvent next() throws InterruptedException {
        return unwrap(queue.take());
    }

    @Override
    public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
        Object item = queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        return item == null ? checked(Optional.empty()) : Optional.of(unwrap(item));
    }

    private Optional<WatchEvent> checked(Optional<WatchEvent> none) {
        if (stopped.get()) {
            throw new WatcherStoppedException();
        }
        return none;
    }

    private WatchEvent unwrap(Object item) {
        if (item == STOPPED || stopped.get()) {
            queue.clear();
            queue.add(STOPPED);
            throw new WatcherStoppedException();
        }
        return (WatchEvent) item;
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            queue.clear();
            queue.add(STOPPED);
            onStop.run();
        }
    }

    @Override
    public boolean isStopped() {
        return stopped.get();
    }

    @Override
    public WatchStatus status() {
        return status.get();
    }
}

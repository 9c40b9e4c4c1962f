package io.microregistry.backend;

import io.microregistry.RegistryException;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The pull-style {@link Watcher} over a store's push watch: the store pushes into it as a
 * {@link WatchSink}, the user takes events with {@link #next()}. Unbounded, so a slow reader
 * never makes the backend drop an event (a reader that may fall behind should subscribe, which
 * coalesces); filters by the watch options' service; {@link #status()} is the last status pushed.
 * The queueing and stop semantics are {@link StoppableQueue}'s; a {@linkplain #broken broken}
 * store watch stops it.
 *
 * <p>Thread-safe: any number of producers, one consumer.
 */
final class EventQueue implements Watcher, WatchSink {

    private final WatchOptions options;
    private final StoppableQueue<WatchEvent> queue = new StoppableQueue<>();
    private volatile WatchStatus status = WatchStatus.current();
    /** Set once by {@link #onStop}; run once, by whichever of stop and onStop comes second. */
    private volatile Runnable onStop;
    private final AtomicBoolean released = new AtomicBoolean();

    /** @param options which events to keep */
    EventQueue(WatchOptions options) {
        this.options = options;
    }

    /**
     * Runs {@code onStop} once when this watcher stops (release the store watch feeding it); at
     * once if it already has.
     */
    void onStop(Runnable onStop) {
        this.onStop = onStop;
        if (queue.isStopped()) {
            release();
        }
    }

    private void release() {
        Runnable hook = onStop;
        if (hook != null && released.compareAndSet(false, true)) {
            hook.run();
        }
    }

    /** Queues the event if it passes the filter and the watcher is open. Never blocks. */
    @Override
    public void event(WatchEvent event) {
        if (options.matches(event.service().name())) {
            queue.add(event);
        }
    }

    @Override
    public void status(WatchStatus status) {
        // After a break the STALE status and its cause stay: a late push must not hide them.
        if (!queue.isStopped()) {
            this.status = status;
        }
    }

    @Override
    public void broken(RegistryException cause) {
        status = WatchStatus.of(WatchStatus.State.STALE, cause);
        stop();
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
            release();
        }
    }

    @Override
    public boolean isStopped() {
        return queue.isStopped();
    }

    @Override
    public WatchStatus status() {
        return status;
    }
}

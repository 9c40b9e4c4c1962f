package io.microregistry.backend;

import io.microregistry.WatcherStoppedException;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An unbounded hand-off from producers to a reader that can be stopped: the blocking part of
 * every pull-style watcher, the registry's (the core's event queue) and the config center's, so both
 * keep one meaning of {@code next}, {@code next(timeout)} and stop.
 *
 * <p><b>Blocking:</b> {@link #add}, {@link #stop} and {@link #isStopped} never block;
 * {@link #next()} blocks until an item comes or the queue stops, {@link #next(Duration)} at most
 * the timeout (a zero or negative timeout only looks).
 *
 * <p><b>Thread-safety:</b> any number of producers; any thread may stop it. {@code next} is meant
 * for one reader at a time; a stop wakes every reader waiting all the same.
 *
 * <p><b>Nulls:</b> neither items nor the timeout may be null ({@link NullPointerException}).
 *
 * <p><b>Failure:</b> once stopped, the items still waiting are discarded, later {@link #add}s are
 * dropped, and every {@code next} throws {@link WatcherStoppedException}, at once or when it
 * wakes. An interrupted reader gets {@link InterruptedException} and the queue is unchanged.
 *
 * @param <T> what the queue carries
 */
public final class StoppableQueue<T> {

    /** Wakes a reader blocked in {@code take} when the queue stops; put back after each wake for the next reader. */
    private static final Object STOPPED = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Queues {@code item} unless the queue is stopped. Never blocks. */
    public void add(T item) {
        Objects.requireNonNull(item, "item");
        if (!stopped.get()) {
            queue.add(item);
        }
    }

    /**
     * Blocks until the next item.
     *
     * @throws WatcherStoppedException if the queue is or becomes stopped
     * @throws InterruptedException    if the waiting thread is interrupted
     */
    public T next() throws InterruptedException {
        return unwrap(queue.take());
    }

    /**
     * Waits at most {@code timeout} for the next item.
     *
     * @return the item, or empty if none came in time
     * @throws WatcherStoppedException if the queue is or becomes stopped
     * @throws InterruptedException    if the waiting thread is interrupted
     */
    public Optional<T> next(Duration timeout) throws InterruptedException {
        Object item = queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        if (item == null) {
            if (stopped.get()) {
                throw new WatcherStoppedException();
            }
            return Optional.empty();
        }
        return Optional.of(unwrap(item));
    }

    @SuppressWarnings("unchecked")
    private T unwrap(Object item) {
        if (item == STOPPED || stopped.get()) {
            queue.clear();
            queue.add(STOPPED);
            throw new WatcherStoppedException();
        }
        return (T) item;
    }

    /**
     * Stops the queue: discards what waits and wakes the readers. Idempotent.
     *
     * @return true for the one call that stopped it, so its caller releases what feeds the queue once
     */
    public boolean stop() {
        if (!stopped.compareAndSet(false, true)) {
            return false;
        }
        queue.clear();
        queue.add(STOPPED);
        return true;
    }

    /** Whether {@link #stop()} was called. */
    public boolean isStopped() {
        return stopped.get();
    }
}

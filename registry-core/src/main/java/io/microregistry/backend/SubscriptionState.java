package io.microregistry.backend;

import io.microregistry.WatchStatus;
import org.slf4j.Logger;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a push subscription keeps besides its delivery, the same for a registry subscription
 * and a config subscription: its status, whether it is closed, and the rule for a listener that
 * throws: the failure is logged once per subscription, at WARN, and the subscription goes on.
 * How and on which thread calls are delivered stays the subscription's own.
 *
 * <p><b>Blocking:</b> none of the methods block; {@link #call} runs the listener call on the
 * calling thread, for as long as it takes.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread.
 *
 * <p><b>Nulls:</b> no argument may be null ({@link NullPointerException}).
 *
 * <p><b>Failure:</b> {@link #call} catches a {@link RuntimeException} of the listener call and
 * returns normally; an {@link Error} propagates.
 */
public final class SubscriptionState {

    private final Logger log;
    private final String listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    private volatile WatchStatus status;

    /**
     * @param initial  the status until {@link #status(WatchStatus)} changes it
     * @param log      where the first failure of the listener is logged (the subscription's own logger)
     * @param listener names the listener in that line, e.g. {@code "registry watch listener"}
     */
    public SubscriptionState(WatchStatus initial, Logger log, String listener) {
        this.status = Objects.requireNonNull(initial, "initial");
        this.log = Objects.requireNonNull(log, "log");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The latest status set. */
    public WatchStatus status() {
        return status;
    }

    /** Sets the status {@link #status()} answers from now on. */
    public void status(WatchStatus next) {
        status = Objects.requireNonNull(next, "next");
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Marks the subscription closed. Idempotent.
     *
     * @return true for the one call that closed it, so its caller releases what the subscription holds once
     */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** Runs one listener call; if it throws, logs that (the first time only) and returns. */
    public void call(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            if (listenerFailed.compareAndSet(false, true)) {
                log.warn("A {} threw; the subscription goes on (logged once per subscription)", listener, e);
            }
        }
    }
}

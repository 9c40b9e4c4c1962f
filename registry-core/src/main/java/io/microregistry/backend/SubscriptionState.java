package io.microregistry.backend;

import io.microregistry.Subscription;
import io.microregistry.WatchStatus;
import io.microregistry.config.ConfigSubscription;
import org.slf4j.Logger;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handle a user holds for a push subscription, the same for a registry subscription and a
 * config subscription, and what goes with it besides delivery: its status, whether it is closed
 * (by the user, or ended by its owner), and the rule for a listener that throws: the failure is
 * logged once per subscription, at WARN, and the subscription goes on. How and on which thread
 * calls are delivered stays the subscription's own.
 *
 * <p><b>Blocking:</b> none of the methods block but {@link #close()}, for as long as its close
 * action takes; {@link #call} runs the listener call on the calling thread.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread.
 *
 * <p><b>Nulls:</b> no argument may be null ({@link NullPointerException}).
 *
 * <p><b>Failure:</b> {@link #call} catches a {@link RuntimeException} of the listener call and
 * returns normally; an {@link Error} propagates. What the close action throws propagates from
 * {@link #close()}, which has marked the subscription closed all the same.
 */
public final class SubscriptionState implements Subscription, ConfigSubscription {

    private final Logger log;
    private final String listener;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean closedByUser;
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    private volatile WatchStatus status;

    /**
     * @param initial  the status until {@link #status(WatchStatus)} changes it
     * @param log      where the first failure of the listener is logged (the subscription's own logger)
     * @param listener names the listener in that line, e.g. {@code "registry watch listener"}
     * @param onClose  releases the subscription; run once, by the {@link #close()} that finds it open
     */
    public SubscriptionState(WatchStatus initial, Logger log, String listener, Runnable onClose) {
        this.status = Objects.requireNonNull(initial, "initial");
        this.log = Objects.requireNonNull(log, "log");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.onClose = Objects.requireNonNull(onClose, "onClose");
    }

    /** The latest status set. */
    @Override
    public WatchStatus status() {
        return status;
    }

    /** Sets the status {@link #status()} answers from now on. */
    public void status(WatchStatus next) {
        status = Objects.requireNonNull(next, "next");
    }

    /** Whether {@link #close()} was called or the owner {@link #end() ended} it. */
    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * The user's close: from now on {@link #isClosedByUser()}, so no further listener call starts;
     * runs the close action if the subscription was still open. Idempotent.
     */
    @Override
    public void close() {
        closedByUser = true;
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }

    /**
     * The owner's close (its registry or config closed): closed from now on, without the close
     * action, as the owner releases everything itself. Idempotent.
     *
     * @return true if the subscription was open until this call
     */
    public boolean end() {
        return closed.compareAndSet(false, true);
    }

    /** Whether the user closed it: no listener call may start any more. */
    public boolean isClosedByUser() {
        return closedByUser;
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

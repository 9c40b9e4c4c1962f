package io.microregistry.backend;

import io.microregistry.WatchEvent;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Watcher} that forwards every call to another: the base of a watcher that changes
 * one thing about a store's (a wrapper that also leaves a set when stopped, one that rewrites
 * events) and keeps the rest.
 *
 * <p>Contract: every method of {@link Watcher} ({@link #next()}, {@link #next(Duration)},
 * {@link #stop()}, {@link #isStopped()}, {@link #status()}) forwards to {@link #delegate()}
 * unchanged, arguments and results, exceptions included; {@link #close()} is
 * {@link Watcher}'s, which calls this watcher's own {@link #stop()}, so a subclass that
 * overrides {@code stop()} is closed the same way. A subclass overrides only what it changes,
 * and calls {@code super} (or the delegate) for the rest. The delegate is fixed at
 * construction and never null. Thread-safe exactly as far as the delegate is: this class
 * holds no state of its own, so a subclass that adds state guards it itself.
 */
public abstract class ForwardingWatcher implements Watcher {

    private final Watcher delegate;

    /**
     * @param delegate the watcher every call goes to
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingWatcher(Watcher delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The watcher every call goes to. */
    protected final Watcher delegate() {
        return delegate;
    }

    @Override
    public WatchEvent next() throws InterruptedException {
        return delegate.next();
    }

    @Override
    public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
        return delegate.next(timeout);
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public boolean isStopped() {
        return delegate.isStopped();
    }

    @Override
    public WatchStatus status() {
        return delegate.status();
    }
}

package io.microregistry.config.store;

import io.microregistry.WatchStatus;
import io.microregistry.WatcherStoppedException;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigSubscription;
import io.microregistry.config.ConfigWatcher;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pull-style {@link ConfigWatcher} as a listener of a push subscription: changes queue
 * until read. Thread-safe.
 */
final class PullWatcher implements ConfigWatcher, ConfigListener {
    private static final Object STOPPED = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile ConfigSubscription subscription;
    private volatile boolean stopped;

    void attach(ConfigSubscription subscription) {
        this.subscription = subscription;
        if (stopped) {
            subscription.close();
        }
    }

    @Override
    public void onChange(ConfigChange change) {
        queue.add(change);
    }

    @Override
    public ConfigChange next() throws InterruptedException {
        return unwrap(queue.take());
    }

    @Override
    public Optional<ConfigChange> next(Duration timeout) throws InterruptedException {
        if (stopped) {
            throw new WatcherStoppedException();
        }
        Object item = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return item == null ? Optional.empty() : Optional.of(unwrap(item));
    }

    private ConfigChange unwrap(Object item) {
        if (item == STOPPED || stopped) {
            queue.add(STOPPED);
            throw new WatcherStoppedException();
        }
        return (ConfigChange) item;
    }

    @Override
    public WatchStatus status() {
        ConfigSubscription s = subscription;
        return s == null ? WatchStatus.current() : s.status();
    }

    @Override
    public void stop() {
        stopped = true;
        queue.add(STOPPED);
        ConfigSubscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean isStopped() {
        return stopped;
    }
}

package io.microregistry.config.store;

import io.microregistry.WatchStatus;
import io.microregistry.backend.StoppableQueue;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigSubscription;
import io.microregistry.config.ConfigWatcher;

import java.time.Duration;
import java.util.Optional;

/**
 * The pull-style {@link ConfigWatcher} as a listener of a push subscription: changes queue
 * until read, with the registry watcher's queueing and stop semantics ({@link StoppableQueue}).
 * Thread-safe.
 */
final class PullWatcher implements ConfigWatcher, ConfigListener {

    private final StoppableQueue<ConfigChange> changes = new StoppableQueue<>();
    private volatile ConfigSubscription subscription;

    void attach(ConfigSubscription subscription) {
        this.subscription = subscription;
        if (changes.isStopped()) {
            subscription.close();
        }
    }

    @Override
    public void onChange(ConfigChange change) {
        changes.add(change);
    }

    @Override
    public ConfigChange next() throws InterruptedException {
        return changes.next();
    }

    @Override
    public Optional<ConfigChange> next(Duration timeout) throws InterruptedException {
        return changes.next(timeout);
    }

    @Override
    public WatchStatus status() {
        ConfigSubscription s = subscription;
        return s == null ? WatchStatus.current() : s.status();
    }

    @Override
    public void stop() {
        changes.stop();
        // Whichever of stop() and attach() comes second sees the other and closes the subscription.
        ConfigSubscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean isStopped() {
        return changes.isStopped();
    }
}

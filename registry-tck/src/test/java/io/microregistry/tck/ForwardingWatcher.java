package io.microregistry.tck;

import io.microregistry.WatchEvent;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;

import java.time.Duration;
import java.util.Optional;

/** A watcher that passes everything to another: the base of the deliberately broken ones. */
class ForwardingWatcher implements Watcher {
    final Watcher delegate;

    ForwardingWatcher(Watcher delegate) {
        this.delegate = delegate;
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

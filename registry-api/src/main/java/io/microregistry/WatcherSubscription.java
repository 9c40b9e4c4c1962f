package io.microregistry;

import io.microregistry.backend.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The default {@link Registry#subscribe} of a registry that only offers a pull-style
 * {@link Watcher}: one watcher and one daemon thread per subscription, pumping events to the
 * listener. Backends built on the shared core replace it with subscriptions shared per prefix;
 * this exists so that any {@link Registry} (a decorator, a test double, a third-party plugin)
 * can be followed by push.
 *
 * <p>Thread-safe.
 */
final class WatcherSubscription implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(WatcherSubscription.class);

    private final Watcher watcher;
    private final WatchListener listener;
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    private volatile WatchStatus status = WatchStatus.current();

    private WatcherSubscription(Watcher watcher, WatchListener listener) {
        this.watcher = watcher;
        this.listener = listener;
    }

    static Subscription open(Registry registry, WatchOptions options, WatchListener listener) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Watcher watcher = registry.watch(options);
        List<Service> snapshot;
        try {
            snapshot = options.service().isPresent()
                    ? registry.getService(options.service().get())
                    : registry.listServices();
        } catch (RuntimeException e) {
            watcher.stop();
            throw e;
        }
        WatcherSubscription subscription = new WatcherSubscription(watcher, listener);
        Thread pump = new DaemonThreads("micro-registry-subscription").newThread(() -> subscription.pump(snapshot));
        pump.start();
        return subscription;
    }

    private void pump(List<Service> snapshot) {
        deliver(() -> listener.onSnapshot(snapshot));
        while (!watcher.isStopped()) {
            WatchEvent event;
            try {
                event = watcher.next();
            } catch (WatcherStoppedException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            deliver(() -> listener.onEvent(event));
        }
    }

    private void deliver(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (listenerFailed.compareAndSet(false, true)) {
                log.warn("A registry watch listener threw; the subscription goes on (logged once per subscription)", e);
            }
        }
    }

    @Override
    public WatchStatus status() {
        return status;
    }

    @Override
    public boolean isClosed() {
        return watcher.isStopped();
    }

    @Override
    public void close() {
        watcher.stop();
    }
}

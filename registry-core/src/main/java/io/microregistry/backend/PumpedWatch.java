package io.microregistry.backend;

import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;

import java.time.Duration;
import java.util.Optional;

/**
 * A foreign {@link Registry}'s pull-style {@link Watcher} turned into a push watch: one pump
 * thread reads it, pushes each event and each change of its status, and reports it
 * {@linkplain WatchSink#broken broken} when it stops unasked or fails (re-opened by the feed);
 * a pump interrupted by anyone but {@link #close()} reports STALE and ends for good. Only for registries that
 * are not a {@link StoreRegistry} ({@link Registry#subscribe}'s default); a store pushes itself.
 *
 * <p>Thread-safe.
 */
final class PumpedWatch implements PrefixWatch {

    /** How often, at least, the pump asks the watcher for its status. */
    static final Duration STATUS_POLL = Duration.ofMillis(200);

    private final Watcher watcher;
    private final WatchSink sink;
    private final String describe;
    private volatile boolean closed;

    private PumpedWatch(Watcher watcher, WatchSink sink, WatchOptions options) {
        this.watcher = watcher;
        this.sink = sink;
        this.describe = options.service().map(name -> "service '" + name + "'").orElse("all services");
    }

    /** A {@link WatchSource} over {@code registry}'s {@link Registry#watch}, pumping on {@code threads}. */
    static WatchSource over(Registry registry, DaemonThreads threads) {
        return (options, sink) -> {
            PumpedWatch pumped = new PumpedWatch(registry.watch(options), sink, options);
            threads.newThread(pumped::run).start();
            return pumped;
        };
    }

    private void run() {
        WatchStatus.State reported = WatchStatus.State.CURRENT;
        while (!closed) {
            try {
                Optional<WatchEvent> event = watcher.next(STATUS_POLL);
                event.ifPresent(sink::event);
                WatchStatus status = watcher.status();
                if (status.state() != reported) {
                    reported = status.state();
                    sink.status(status);
                }
            } catch (InterruptedException e) {
                // Someone wants this thread gone (not close(): that sets closed first). Say so and
                // stop following rather than start another thread behind their back.
                watcher.stop();
                if (!closed) {
                    sink.status(WatchStatus.of(WatchStatus.State.STALE, new RegistryUnavailableException(
                            "watch of " + describe + " stopped: its thread was interrupted", e)));
                }
                return;
            } catch (RuntimeException e) {
                end(e instanceof RegistryException failure ? failure : new RegistryUnavailableException(
                        (e instanceof WatcherStoppedException ? "watch broke" : "watch failed") + " for " + describe
                                + ": " + e.getMessage(), e));
                return;
            }
        }
    }

    private void end(RegistryException cause) {
        watcher.stop();
        if (!closed) {
            sink.broken(cause);
        }
    }

    @Override
    public void close() {
        closed = true;
        watcher.stop();
    }
}

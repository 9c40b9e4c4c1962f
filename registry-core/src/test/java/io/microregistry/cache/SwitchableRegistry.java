package io.microregistry.cache;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of a backend's availability around a real registry (the memory backend): while
 * {@link #fail(boolean) failing}, every call throws {@link RegistryUnavailableException} and, if
 * asked, the watchers it handed out break, as a lost connection would. Counts reads (lookups and listings), so
 * tests can tell how often the cache went to the backend; its watchers report STALE during an outage. Thread-safe.
 */
public final class SwitchableRegistry implements Registry {

    private final Registry real;
    private volatile boolean failing;
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicInteger watches = new AtomicInteger();
    private final Set<Watcher> open = ConcurrentHashMap.newKeySet();
    /** Run inside {@code getService} after the real read, before it returns; for race tests. */
    private volatile Runnable afterRead = () -> { };

    public SwitchableRegistry(Registry real) {
        this.real = real;
    }

    /**
     * Starts or ends an outage. Starting one with {@code breakWatches} stops every watcher handed
     * out so far.
     */
    public void fail(boolean breakWatches) {
        failing = true;
        if (breakWatches) {
            open.forEach(Watcher::stop);
            open.clear();
        }
    }

    /** Ends the outage. */
    public void recover() {
        failing = false;
    }

    public int reads() {
        return reads.get();
    }

    public int watches() {
        return watches.get();
    }

    public void afterRead(Runnable action) {
        afterRead = action;
    }

    private void check(String what) {
        if (failing) {
            throw new RegistryUnavailableException("test outage: cannot " + what,
                    new IOException("connection refused (simulated)"));
        }
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        check("register");
        real.register(service, options);
    }

    @Override
    public void deregister(Service service) {
        check("deregister");
        real.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
        check("read " + name);
        reads.incrementAndGet();
        List<Service> read = real.getService(name);
        afterRead.run();
        return read;
    }

    @Override
    public List<Service> listServices() {
        check("list services");
        reads.incrementAndGet();
        List<Service> read = real.listServices();
        afterRead.run();
        return read;
    }

    @Override
    public Watcher watch(WatchOptions options) {
        check("watch");
        watches.incrementAndGet();
        Watcher watcher = real.watch(options);
        Watcher tracked = new Watcher() {
            @Override
            public WatchEvent next() throws InterruptedException {
                return watcher.next();
            }

            @Override
            public Optional<WatchEvent> next(Duration timeout) throws InterruptedException {
                return watcher.next(timeout);
            }

            @Override
            public void stop() {
                open.remove(this);
                watcher.stop();
            }

            @Override
            public boolean isStopped() {
                return watcher.isStopped();
            }

            @Override
            public WatchStatus status() {
                // An outage the stream itself rides out: the watcher says so rather than breaking.
                return failing ? WatchStatus.of(WatchStatus.State.STALE, new RegistryUnavailableException(
                        "test outage: watch cannot reach the backend", new IOException("connection refused (simulated)")))
                        : watcher.status();
            }
        };
        open.add(tracked);
        return tracked;
    }

    @Override
    public void close() {
        real.close();
    }
}

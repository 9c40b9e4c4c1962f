package io.microregistry.cache;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import io.microregistry.backend.VersionGrouping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One service in a {@link CachingRegistry}: its current snapshot and how current it is. A
 * stable handle: hold it to read the latest snapshot without a map lookup.
 *
 * <p>Thread-safe. {@link #versions()} never blocks once the service is loaded and allocates
 * nothing; the list it returns is immutable and shared, and is replaced (never modified) when the
 * service changes, so comparing two results by identity tells whether anything changed.
 *
 * <p><b>Unknown services are not followed.</b> A service with no node when first looked up (a
 * typo, a service not deployed yet) gets no watch and no thread: its snapshot is empty, and a
 * lookup re-reads the backend at most once per {@link CacheOptions#unknownRecheck()} (that one
 * lookup blocks for the read; concurrent ones get the empty snapshot at once). Once a re-read
 * finds nodes the service is loaded as usual (watch opened, re-read, followed), so a service
 * registered later is found within about that interval of a lookup. A failed re-read keeps the
 * empty snapshot and turns the service {@link CacheStatus.State#STALE STALE} until a re-read works.
 * A service that had nodes and loses them all stays followed (it is expected back).
 */
public final class CachedService {

    private static final Logger LOG = LoggerFactory.getLogger(CachedService.class);
    /** Most events applied before publishing one snapshot, so a burst costs one rebuild, not one each. */
    private static final int MAX_BATCH = 4096;

    private final String name;
    private final Registry delegate;
    private final CacheOptions options;
    private final ThreadFactory threads;

    /** The published snapshot; null until loaded. */
    private volatile List<Service> versions;
    private volatile CacheStatus status = CacheStatus.NOT_LOADED;
    /** The load in progress, shared by concurrent first lookups; null when none is. */
    private final AtomicReference<CompletableFuture<List<Service>>> loading = new AtomicReference<>();

    /** Node id to the node's record; written by the loader, then only by the watch thread. */
    private final Map<String, Service> records = new HashMap<>();
    private volatile Watcher watcher;
    private volatile Thread thread;
    private volatile boolean stopped;
    /** Loaded but not followed, because it had no node: lookups re-read it, rate-limited. */
    private volatile boolean unknown;
    /** {@link System#nanoTime()} from which the next lookup of an unknown service re-reads it. */
    private final AtomicLong recheckAt = new AtomicLong();

    CachedService(String name, Registry delegate, CacheOptions options, ThreadFactory threads) {
        this.name = name;
        this.delegate = delegate;
        this.options = options;
        this.threads = threads;
    }

    /** The service name. */
    public String name() {
        return name;
    }

    /**
     * The current snapshot: one {@link Service} per version, sorted, nodes sorted by id; empty
     * when the service has no node. Served from memory, stale during an outage (see {@link #status()}).
     *
     * @throws IllegalStateException if the cache was closed before the service was loaded (once
     *                               loaded, the last snapshot stays readable after close)
     * @throws io.microregistry.RegistryException if the service is not loaded and the backend cannot be read
     */
    public List<Service> versions() {
        List<Service> current = versions;
        if (current == null) {
            if (stopped) {
                throw new IllegalStateException("registry is closed");
            }
            return load();
        }
        return unknown ? recheck(current) : current;
    }

    /** How current {@link #versions()} is. Never touches the backend. */
    public CacheStatus status() {
        return status;
    }

    /**
     * The snapshot, or null if not loaded; never loads. For an {@link #unknown} service it may
     * re-read the backend (see the class comment).
     */
    List<Service> current() {
        List<Service> current = versions;
        return current != null && unknown ? recheck(current) : current;
    }

    /**
     * An unknown service's lookup: re-reads the backend if the last read is older than
     * {@link CacheOptions#unknownRecheck()} and no other thread is loading or re-reading it, and
     * starts following the service if it now has nodes. Never throws for backend trouble.
     */
    private List<Service> recheck(List<Service> current) {
        long due = recheckAt.get();
        long now = System.nanoTime();
        if (now - due < 0 || stopped
                || !recheckAt.compareAndSet(due, now + options.unknownRecheck().toNanos())) {
            return current;
        }
        CompletableFuture<List<Service>> mine = new CompletableFuture<>();
        if (!loading.compareAndSet(null, mine)) {
            return current;
        }
        List<Service> result = current;
        try {
            if (!delegate.getService(name).isEmpty() && !stopped) {
                // Load it for real: watch first, then read, then follow; empty again stays unknown.
                result = firstLoad();
            } else {
                markCurrent();
            }
        } catch (RuntimeException e) {
            if (!stopped) {
                markStale("re-read of unknown service failed", e);
            }
        } finally {
            mine.complete(result);
            loading.set(null);
        }
        return result;
    }

    /**
     * Loads the service if it is not loaded: opens the watch first (so nothing committed after the
     * read can be missed), reads, then starts the thread that applies the watch's events.
     */
    List<Service> load() {
        List<Service> current = versions;
        if (current != null) {
            return current;
        }
        CompletableFuture<List<Service>> mine = new CompletableFuture<>();
        CompletableFuture<List<Service>> theirs = loading.compareAndExchange(null, mine);
        if (theirs != null) {
            return await(theirs);
        }
        try {
            current = versions;
            if (current == null) {
                current = firstLoad();
            }
            mine.complete(current);
            return current;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.set(null);
        }
    }

    private List<Service> firstLoad() {
        Watcher opened = delegate.watch(WatchOptions.service(name));
        try {
            List<Service> read = delegate.getService(name);
            if (read.isEmpty()) {
                // Unknown service: no watch, no thread; lookups re-read it (see the class comment).
                opened.stop();
                recheckAt.set(System.nanoTime() + options.unknownRecheck().toNanos());
                unknown = true;
                synchronized (records) {
                    replaceRecords(read);
                    publish();
                }
                loaded();
                LOG.debug("cache found no node of service '{}': not followed, re-read on lookup", name);
                return versions;
            }
            synchronized (records) {
                replaceRecords(read);
                publish();
            }
            unknown = false;
            loaded();
            watcher = opened;
            Thread started = threads.newThread(() -> follow(opened));
            thread = started;
            if (stopped) {
                opened.stop();
            } else {
                started.start();
            }
            LOG.debug("cache loaded service '{}' ({} versions)", name, read.size());
            return versions;
        } catch (RuntimeException e) {
            opened.stop();
            throw e;
        }
    }

    private List<Service> await(CompletableFuture<List<Service>> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            // Each waiter gets its own exception, with this thread's stack, and the loader's as cause.
            Throwable cause = e.getCause();
            if (cause instanceof RegistryUnavailableException) {
                throw new RegistryUnavailableException(cause.getMessage(), cause);
            }
            if (cause instanceof RegistryAuthenticationException) {
                throw new RegistryAuthenticationException(cause.getMessage(), cause);
            }
            if (cause != null && cause.getClass() == RegistryException.class) {
                throw new RegistryException(cause.getMessage(), cause);
            }
            if (cause instanceof RegistryException other) {
                // A subtype this class does not know: the original keeps the type callers catch.
                throw other;
            }
            if (cause instanceof IllegalStateException) {
                throw new IllegalStateException(cause.getMessage(), cause);
            }
            if (cause instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw e;
        }
    }

    /** The watch thread: apply events in batches; on trouble go stale, re-open, resync. */
    private void follow(Watcher first) {
        Watcher current = first;
        Duration quiet = options.resyncInterval().isZero() ? Duration.ofDays(365) : options.resyncInterval();
        while (!stopped) {
            try {
                Optional<WatchEvent> event = current.next(quiet);
                if (event.isEmpty()) {
                    resync();
                    continue;
                }
                List<WatchEvent> batch = new ArrayList<>();
                batch.add(event.get());
                while (batch.size() < MAX_BATCH) {
                    Optional<WatchEvent> more = current.next(Duration.ZERO);
                    if (more.isEmpty()) {
                        break;
                    }
                    batch.add(more.get());
                }
                apply(batch);
            } catch (InterruptedException e) {
                // Only stop() should interrupt this thread; anything else still ends it, so say so.
                Thread.currentThread().interrupt();
                current.stop();
                quit("its thread was interrupted", e);
                return;
            } catch (RuntimeException e) {
                // WatcherStoppedException we did not ask for, or any backend trouble: the watch is broken.
                if (stopped) {
                    return;
                }
                current.stop();
                markStale(e instanceof WatcherStoppedException ? "watch broke" : "watch failed", e);
                current = reopen();
                if (current == null) {
                    return;
                }
            }
        }
    }

    /** Re-opens the watch and re-reads until both work; null if the cache closed meanwhile. */
    private Watcher reopen() {
        for (int attempt = 0; !stopped; attempt++) {
            try {
                Thread.sleep(options.reopenBackoff().delay(attempt).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                quit("its thread was interrupted", e);
                return null;
            }
            Watcher opened = null;
            try {
                opened = delegate.watch(WatchOptions.service(name));
                watcher = opened;
                if (stopped) {
                    opened.stop();
                    return null;
                }
                List<Service> read = delegate.getService(name);
                synchronized (records) {
                    replaceRecords(read);
                    publish();
                }
                markCurrent();
                return opened;
            } catch (IllegalStateException closed) {
                // The wrapped registry was closed under the cache: nothing will ever come back.
                markStale("wrapped registry closed", closed);
                LOG.warn("cache of service '{}' stops following: the wrapped registry is closed", name);
                return null;
            } catch (RuntimeException e) {
                if (opened != null) {
                    opened.stop();
                }
                if (stopped) {
                    return null;
                }
                markStale("re-open failed", e);
            }
        }
        return null;
    }

    /** The periodic re-read of a quiet service: repairs drift, and detects outages the watch hides. */
    private void resync() {
        try {
            List<Service> read = delegate.getService(name);
            synchronized (records) {
                if (!read.equals(versions)) {
                    replaceRecords(read);
                    publish();
                    LOG.info("cache of service '{}' repaired by periodic re-read", name);
                }
            }
            markCurrent();
        } catch (RuntimeException e) {
            if (!stopped) {
                markStale("periodic re-read failed", e);
            }
        }
    }

    private void apply(List<WatchEvent> batch) {
        synchronized (records) {
            for (WatchEvent event : batch) {
                Node node = event.node();
                if (event.type() == WatchEvent.Type.DELETE) {
                    records.remove(node.id());
                } else {
                    records.put(node.id(), event.service());
                }
            }
            publish();
        }
    }

    private void replaceRecords(List<Service> read) {
        records.clear();
        for (Service version : read) {
            for (Node node : version.nodes()) {
                records.put(node.id(), version.withNode(node));
            }
        }
    }

    /** Publishes a new immutable snapshot; callers hold the records lock. */
    private void publish() {
        versions = List.copyOf(VersionGrouping.group(records.values()));
    }

    private void markStale(String what, RuntimeException cause) {
        RegistryException failure = cause instanceof RegistryException registryFailure ? registryFailure
                : new RegistryUnavailableException(what + " for service '" + name + "': " + cause.getMessage(), cause);
        CacheStatus before = status;
        status = new CacheStatus(CacheStatus.State.STALE,
                before.isStale() ? before.since() : Instant.now(), Optional.of(failure));
        if (!before.isStale()) {
            LOG.warn("cache of service '{}' is stale, serving the last snapshot: {}: {}", name, what, cause.toString());
        }
    }

    /**
     * The watch thread ends for good (not by {@link #stop()}): the status must not keep saying
     * CURRENT while nothing follows the service any more.
     */
    private void quit(String why, Exception cause) {
        if (stopped) {
            return;
        }
        markStale("cache stopped following: " + why, new RegistryUnavailableException(
                "cache of service '" + name + "' stopped following it: " + why, cause));
        LOG.warn("cache of service '{}' stops following it, serving the last snapshot: {}", name, why);
    }

    /** CURRENT after a (first or renewed) load; logs only the end of an outage. */
    private void loaded() {
        CacheStatus before = status;
        status = new CacheStatus(CacheStatus.State.CURRENT, Instant.now(), Optional.empty());
        if (before.isStale()) {
            LOG.info("cache of service '{}' is current again after {} ms", name,
                    Duration.between(before.since(), Instant.now()).toMillis());
        }
    }

    private void markCurrent() {
        CacheStatus before = status;
        if (before.state() != CacheStatus.State.CURRENT) {
            status = new CacheStatus(CacheStatus.State.CURRENT, Instant.now(), Optional.empty());
            LOG.info("cache of service '{}' is current again after {} ms", name,
                    Duration.between(before.since(), Instant.now()).toMillis());
        }
    }

    /** Stops the watch and its thread; the last snapshot stays readable. */
    void stop() {
        stopped = true;
        Watcher current = watcher;
        if (current != null) {
            current.stop();
        }
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public String toString() {
        return "CachedService[" + name + ", " + status.state() + "]";
    }
}

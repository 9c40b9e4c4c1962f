package io.microregistry.cache;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.RegistrationRules;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * A {@link Registry} whose {@link #getService(String) lookups} are served from memory.
 *
 * <p><b>Loading.</b> A service is loaded on its first lookup: the cache opens a watch on it
 * (which returns once established), then reads it, then applies the watch's events on top, so no
 * change between the read and the watch is lost. Concurrent first lookups of a service share
 * one backend read. From then on one watch per service (one daemon thread each, named
 * {@code micro-registry-cache-N}) keeps it current until the cache closes.
 *
 * <p><b>Unknown services cost no thread.</b> A service that has no node when first looked up
 * (a typo, a service not deployed yet) is not watched: it answers empty, and a lookup re-reads
 * the backend at most once per {@link CacheOptions#unknownRecheck()} (that lookup blocks for the
 * read), starting to follow the service as above once a re-read finds nodes. So threads and
 * watches are bounded by the services that exist in the registry, not by the names ever asked
 * for; each name asked for still keeps a small entry (no thread, no watch) until the cache
 * closes. A followed service whose nodes all leave stays followed: it is expected back.
 *
 * <p><b>Outages.</b> When a watch breaks, or a periodic re-read ({@link CacheOptions#resyncInterval()})
 * fails, the service turns {@link CacheStatus.State#STALE STALE}: lookups keep serving the last good
 * snapshot (stale beats empty) while the cache re-opens the watch with backoff and re-reads;
 * then it turns {@link CacheStatus.State#CURRENT CURRENT} again. A failed read never becomes "no
 * nodes": a service whose first read fails throws, and is tried again at its next lookup.
 *
 * <p><b>Consistency.</b> Lookups are eventually consistent: a change, including a registration
 * made through this very cache, is served once the service's watch has delivered it (about one
 * backend watch delay; see docs/benchmarks.md). Code that needs read-your-writes should read
 * {@link #delegate()}.
 *
 * <p><b>Snapshots.</b> {@link #getService(String)} returns an immutable list shared by every
 * caller until the service changes; a lookup of a followed service allocates nothing, takes no
 * lock and does not block (an unknown one may block for its rate-limited re-read).
 *
 * <p><b>Everything else</b> ({@link #register}, {@link #deregister}, {@link #listServices()},
 * {@link #watch}) goes straight to the wrapped registry.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. <b>Failures:</b> as
 * {@link Registry}; a first lookup throws the backend's {@link RegistryException}; calls after
 * {@link #close()} throw {@link IllegalStateException}.
 */
public final class CachingRegistry implements Registry {

    private final Registry delegate;
    private final boolean ownsDelegate;
    private final CacheOptions options;
    private final ThreadFactory threads = new DaemonThreads("micro-registry-cache");
    private final ConcurrentHashMap<String, CachedService> services = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private CachingRegistry(Registry delegate, boolean ownsDelegate, CacheOptions options) {
        if (delegate == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        this.delegate = delegate;
        this.ownsDelegate = ownsDelegate;
        this.options = options;
    }

    /**
     * A cache that owns {@code registry}: closing the cache closes it too (deregistering its
     * nodes). Use it in place of the registry.
     */
    public static CachingRegistry wrap(Registry registry) {
        return new CachingRegistry(registry, true, CacheOptions.DEFAULT);
    }

    /** {@link #wrap(Registry)} with recovery options. */
    public static CachingRegistry wrap(Registry registry, CacheOptions options) {
        return new CachingRegistry(registry, true, options);
    }

    /**
     * A cache over {@code registry} that leaves it open when the cache closes: closing the cache
     * only stops its watches. For a cache beside the code that owns the registry.
     */
    public static CachingRegistry view(Registry registry) {
        return new CachingRegistry(registry, false, CacheOptions.DEFAULT);
    }

    /** {@link #view(Registry)} with recovery options. */
    public static CachingRegistry view(Registry registry, CacheOptions options) {
        return new CachingRegistry(registry, false, options);
    }

    /**
     * The cache entry of service {@code name}, loaded: a stable handle whose
     * {@link CachedService#versions()} always returns the current snapshot. Loads the service
     * if this is its first lookup (blocking, one backend read shared by concurrent callers).
     *
     * @throws IllegalArgumentException if the name is null, blank or otherwise invalid
     * @throws RegistryException        if the service is not loaded yet and the backend cannot be read
     */
    public CachedService cached(String name) {
        CachedService service = entry(name);
        service.load();
        return service;
    }

    /**
     * How current the cache of service {@code name} is; {@link CacheStatus.State#NOT_LOADED} for a
     * service never looked up. Never touches the backend.
     */
    public CacheStatus status(String name) {
        if (name == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        CachedService service = services.get(name);
        return service == null ? CacheStatus.NOT_LOADED : service.status();
    }

    /** The wrapped registry. */
    public Registry delegate() {
        return delegate;
    }

    @Override
    public List<Service> getService(String name) {
        if (name != null) {
            // Hot path: a followed service costs one map read and three volatile reads.
            CachedService service = services.get(name);
            if (service != null && !closed) {
                List<Service> versions = service.current();
                if (versions != null) {
                    return versions;
                }
            }
        }
        return cached(name).versions();
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        checkOpen();
        delegate.register(service, options);
    }

    @Override
    public void deregister(Service service) {
        checkOpen();
        delegate.deregister(service);
    }

    /** Not cached: read from the wrapped registry, since the cache only holds services looked up. */
    @Override
    public List<Service> listServices() {
        checkOpen();
        return delegate.listServices();
    }

    @Override
    public Watcher watch(WatchOptions options) {
        checkOpen();
        return delegate.watch(options);
    }

    /**
     * Stops every watch of the cache and its threads; closes the wrapped registry if the cache
     * owns it ({@link #wrap}). Idempotent, never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        services.values().forEach(CachedService::stop);
        if (ownsDelegate) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "CachingRegistry[" + delegate + "]";
    }

    private CachedService entry(String name) {
        if (name == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        CachedService service = services.get(name);
        if (service != null) {
            return service;
        }
        RegistrationRules.checkServiceName(name);
        service = services.computeIfAbsent(name, n -> new CachedService(n, delegate, options, threads));
        if (closed) {
            // Lost a race with close(): make sure this entry never starts a thread.
            service.stop();
            checkOpen();
        }
        return service;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }
}

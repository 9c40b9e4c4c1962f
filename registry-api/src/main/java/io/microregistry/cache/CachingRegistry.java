package io.microregistry.cache;

import io.microregistry.RegisterOptions;
import io.microregistry.RegistrationRules;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.metrics.RegistryObserver;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Registry} whose {@link #getService(String) lookups} are served from memory.
 *
 * <p><b>One subscription for every service.</b> On its first lookup the cache subscribes to
 * every service of the wrapped registry ({@link Registry#subscribe} with {@link WatchOptions#all()},
 * one backend watch shared with every other subscriber of that client) and keeps the whole
 * registry's view from then on, fed by the subscription's snapshot and events. So following
 * 1,000 services costs what following one does: no thread of the cache's own, one backend
 * watch, and no periodic re-read of quiet services. Memory is that of the whole registry's
 * records (a gateway follows them all anyway). A name nobody registered answers empty at once,
 * costs no read, and appears as soon as it is registered. Concurrent first lookups share one
 * subscription (one backend read).
 *
 * <p><b>Health.</b> The subscription's status is the cache's: {@link CacheStatus.State#RESYNCING
 * RESYNCING} while its watch re-reads after a break, {@link CacheStatus.State#STALE STALE} while
 * the backend cannot be followed (lookups keep serving the last good view: stale beats empty),
 * then {@link CacheStatus.State#CURRENT CURRENT}. Each change is logged once for the cache, not
 * once per service. A failed first subscription never becomes "no nodes": the lookup throws, and
 * the next lookup tries again.
 *
 * <p><b>Self-preservation</b> (on by default; {@link CacheOptions.Builder#noPreservation()} turns
 * it off). A removal the backend reports is applied {@link CacheOptions#massRemovalWindow()}
 * (default 500 ms) later. If the removals of that window, net of nodes arriving meanwhile and at
 * least {@link CacheOptions#massRemovalMinimum()} of them (default 2), exceed
 * {@link CacheOptions#massRemovalFraction()} (default half) of all the nodes the cache served
 * when the window began — what a backend that lost its data (a wiped or restored server) looks
 * like, since it loses every service at once, whereas a dying process takes only its own nodes —
 * the cache keeps serving the removed nodes, and those removed in the next window (the rest of
 * the burst), for up to {@link CacheOptions#preservation()} (default one default TTL, 15 s) while
 * their owners write them back, and marks each service concerned
 * {@link CacheStatus.State#DEGRADED DEGRADED} with the reason (logged once when it starts and
 * once when it ends). A held node that comes back is served as it now is; those still missing
 * when the hold ends are dropped. Individual deaths vanish within their TTL plus the window. The
 * price: removing most of the whole registry within one window on purpose (a registry of one
 * service replaced wholesale, a fleet shut down) is served up to the hold longer.
 *
 * <p><b>Consistency.</b> Lookups are eventually consistent: a change, including a registration
 * made through this very cache, is served once the subscription delivered it (about one backend
 * watch delay; see docs/benchmarks.md). Code that needs read-your-writes should read
 * {@link #delegate()}.
 *
 * <p><b>Snapshots.</b> {@link #getService(String)} returns an immutable list shared by every
 * caller until the service changes; a lookup allocates nothing, takes no lock and does not
 * block once the cache follows the registry.
 *
 * <p><b>Everything else</b> ({@link #register}, {@link #deregister}, {@link #listServices()},
 * {@link #watch}, {@link #subscribe}) goes straight to the wrapped registry.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. <b>Failures:</b> as
 * {@link Registry}; a first lookup throws the backend's {@link RegistryException}; calls after
 * {@link #close()} throw {@link IllegalStateException}.
 */
public final class CachingRegistry implements Registry {

    private static final Logger LOG = LoggerFactory.getLogger(CachingRegistry.class);
    /** How long a first lookup waits for the subscription's snapshot once it is established. */
    private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(30);

    private final Registry delegate;
    private final boolean ownsDelegate;
    private final CacheOptions options;
    private final RegistryObserver observer;
    private final ConcurrentHashMap<String, CachedService> services = new ConcurrentHashMap<>();
    /** The subscription being established, shared by concurrent first lookups; null when none is. */
    private final AtomicReference<CompletableFuture<Subscription>> subscribing = new AtomicReference<>();
    private volatile Subscription subscription;
    private volatile boolean following;
    private volatile CacheStatus feedStatus = CacheStatus.NOT_LOADED;
    private volatile boolean closed;
    /** Nodes served, over every service; for the mass-removal rule. */
    private final java.util.concurrent.atomic.AtomicInteger nodes = new java.util.concurrent.atomic.AtomicInteger();
    /** Mass-removal window, touched only by the subscription's listener (one call at a time). */
    private long windowStart;
    private int windowBaseline;
    private int windowRemovals;
    private int windowArrivals;
    private long burstUntil;
    private String burstReason;
    private final java.util.Set<CachedService> windowServices = new java.util.HashSet<>();

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
        this.observer = RegistryObserver.guarded(options.observer().orElseGet(RegistryObserver::discover));
    }

    /**
     * A cache that owns {@code registry}: closing the cache closes it too (deregistering its
     * nodes). Use it in place of the registry.
     */
    public static CachingRegistry wrap(Registry registry) {
        return new CachingRegistry(registry, true, CacheOptions.DEFAULT);
    }

    /** {@link #wrap(Registry)} with options. */
    public static CachingRegistry wrap(Registry registry, CacheOptions options) {
        return new CachingRegistry(registry, true, options);
    }

    /**
     * A cache over {@code registry} that leaves it open when the cache closes: closing the cache
     * only ends its subscription. For a cache beside the code that owns the registry.
     */
    public static CachingRegistry view(Registry registry) {
        return new CachingRegistry(registry, false, CacheOptions.DEFAULT);
    }

    /** {@link #view(Registry)} with options. */
    public static CachingRegistry view(Registry registry, CacheOptions options) {
        return new CachingRegistry(registry, false, options);
    }

    /**
     * The cache entry of service {@code name}: a stable handle whose {@link CachedService#versions()}
     * always returns the current snapshot. Starts following the registry if this is the first
     * lookup (blocking, one backend read shared by concurrent callers).
     *
     * @throws IllegalArgumentException if the name is null, blank or otherwise invalid
     * @throws RegistryException        if the cache does not follow the registry yet and the backend cannot be read
     */
    public CachedService cached(String name) {
        if (name == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        CachedService service = services.get(name);
        if (service == null) {
            RegistrationRules.checkServiceName(name);
            service = entry(name);
        }
        follow();
        return service;
    }

    /**
     * How current the cache of service {@code name} is; {@link CacheStatus.State#NOT_LOADED} until
     * the cache follows the registry (its first lookup). Never touches the backend.
     */
    public CacheStatus status(String name) {
        if (name == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        CachedService service = services.get(name);
        return service == null ? feedStatus : service.status();
    }

    /** The wrapped registry. */
    public Registry delegate() {
        return delegate;
    }

    /**
     * Where this cache reports its metrics (each service's status changes), and the selectors over
     * it their selections and ejections: {@link CacheOptions#observer()}, else the observer found
     * on the class path when the cache was created. Guarded: it never throws.
     */
    public RegistryObserver observer() {
        return observer;
    }

    @Override
    public List<Service> getService(String name) {
        if (name != null && following && !closed) {
            // Hot path: a map read and a few volatile reads.
            CachedService service = services.get(name);
            if (service != null) {
                return service.current();
            }
            RegistrationRules.checkServiceName(name);
            return List.of();
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

    /** Not cached: read from the wrapped registry, which answers with what it has right now. */
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

    @Override
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        checkOpen();
        return delegate.subscribe(options, listener);
    }

    /**
     * Ends the cache's subscription; closes the wrapped registry if the cache owns it
     * ({@link #wrap}). Idempotent, never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        services.values().forEach(CachedService::retire);
        if (ownsDelegate) {
            delegate.close();
        }
    }

    @Override
    public String toString() {
        return "CachingRegistry[" + delegate + "]";
    }

    void nodes(int delta) {
        nodes.addAndGet(delta);
    }

    /**
     * The mass-removal rule, cache-wide: a backend that lost its data loses every service's nodes
     * at once, whereas a process that dies takes only its own. Removals within the window, net of
     * arrivals, above the fraction of all nodes served when it began, are held on every service
     * they touched, and so are further removals in the following window (the rest of the burst).
     */
    private void removalSeen(CachedService service, int effect) {
        long now = System.nanoTime();
        long window = options.massRemovalWindow().toNanos();
        if (effect < 0) {
            if (windowRemovals > 0 && now - windowStart <= window) {
                windowArrivals++;
            }
            return;
        }
        if (burstReason != null && now - burstUntil < 0) {
            service.hold(burstReason);
            return;
        }
        if (windowRemovals == 0 || now - windowStart > window) {
            windowStart = now;
            windowBaseline = nodes.get();
            windowRemovals = 0;
            windowArrivals = 0;
            windowServices.clear();
        }
        windowRemovals++;
        windowServices.add(service);
        int net = windowRemovals - windowArrivals;
        if (windowRemovals >= options.massRemovalMinimum() && net > options.massRemovalFraction() * windowBaseline) {
            burstReason = "self-preservation: " + net + " of the " + windowBaseline + " nodes this cache served vanished within "
                    + options.massRemovalWindow().toMillis() + " ms (the backend lost its data, not the nodes their lives)";
            burstUntil = now + window;
            windowServices.forEach(s -> s.hold(burstReason));
            windowServices.clear();
            windowRemovals = 0;
        }
    }

    boolean following() {
        return following;
    }

    CacheStatus feedStatus() {
        return feedStatus;
    }

    /** Subscribes to every service unless already following; blocks until the snapshot is applied. */
    void follow() {
        if (following) {
            return;
        }
        CompletableFuture<Subscription> mine = new CompletableFuture<>();
        CompletableFuture<Subscription> theirs = subscribing.compareAndExchange(null, mine);
        if (theirs != null) {
            await(theirs);
            return;
        }
        try {
            if (!following) {
                checkOpen();
                CompletableFuture<Void> snapshot = new CompletableFuture<>();
                Subscription opened = delegate.subscribe(WatchOptions.all(), new Listener(snapshot));
                subscription = opened;
                if (closed) {
                    opened.close();
                    checkOpen();
                }
                waitFor(snapshot);
            }
            mine.complete(subscription);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            subscribing.set(null);
        }
    }

    private void waitFor(CompletableFuture<Void> snapshot) {
        try {
            snapshot.get(SNAPSHOT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while the cache loaded the registry", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RegistryUnavailableException("the cache's subscription delivered no snapshot within "
                    + SNAPSHOT_WAIT.toSeconds() + " s", e);
        }
    }

    private static void await(CompletableFuture<Subscription> load) {
        try {
            load.join();
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

    /** The entry of {@code name}, created (and its status reported) if new. */
    private CachedService entry(String name) {
        CachedService known = services.get(name);
        if (known != null) {
            return known;
        }
        CachedService entry = services.computeIfAbsent(name, n -> new CachedService(n, this, options, observer));
        if (closed) {
            entry.retire();   // close() may have retired the others before this one was added
        } else {
            entry.report();
        }
        return entry;
    }

    private static CacheStatus toCacheStatus(WatchStatus status) {
        CacheStatus.State state = switch (status.state()) {
            case CURRENT -> CacheStatus.State.CURRENT;
            case RESYNCING -> CacheStatus.State.RESYNCING;
            case STALE -> CacheStatus.State.STALE;
        };
        return new CacheStatus(state, status.since(), status.cause());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    /** The cache's one subscription: called one at a time, in order, on the registry's delivery threads. */
    private final class Listener implements WatchListener {
        private final CompletableFuture<Void> snapshot;

        Listener(CompletableFuture<Void> snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public void onSnapshot(List<Service> current) {
            Map<String, List<Service>> byName = new HashMap<>();
            for (Service version : current) {
                for (var node : version.nodes()) {
                    byName.computeIfAbsent(version.name(), n -> new ArrayList<>()).add(version.withNode(node));
                }
            }
            byName.forEach((name, records) -> entry(name).replace(records));
            services.forEach((name, service) -> {
                if (!byName.containsKey(name)) {
                    service.replace(List.of());
                }
            });
            feedStatus = new CacheStatus(CacheStatus.State.CURRENT, Instant.now(), Optional.empty());
            following = true;
            services.values().forEach(CachedService::report);
            snapshot.complete(null);
            LOG.debug("cache follows {} services", byName.size());
        }

        @Override
        public void onEvent(WatchEvent event) {
            CachedService service = entry(event.service().name());
            int effect = service.apply(event);
            if (effect != 0) {
                removalSeen(service, effect);
            }
        }

        @Override
        public void onStatus(WatchStatus status) {
            CacheStatus before = feedStatus;
            CacheStatus next = toCacheStatus(status);
            feedStatus = next;
            if (before.state() == next.state()) {
                return;
            }
            services.values().forEach(CachedService::report);
            if (next.state() == CacheStatus.State.CURRENT) {
                LOG.info("cache of {} services is current again after {} ms", services.size(),
                        Duration.between(before.since(), next.since()).toMillis());
            } else {
                LOG.warn("cache of {} services is {}, serving the last good view: {}", services.size(), next.state(),
                        next.lastFailure().map(Throwable::toString).orElse("no cause given"));
            }
        }
    }
}

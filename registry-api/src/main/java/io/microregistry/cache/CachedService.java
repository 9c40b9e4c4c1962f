package io.microregistry.cache;

import io.microregistry.Node;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.internal.VersionGrouping;
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

/**
 * One service in a {@link CachingRegistry}: its current snapshot and how current it is. A
 * stable handle: hold it to read the latest snapshot without a map lookup.
 *
 * <p>Thread-safe. {@link #versions()} never blocks once the cache follows the registry and
 * allocates nothing; the list it returns is immutable and shared, and is replaced (never
 * modified) when the service changes, so comparing two results by identity tells whether
 * anything changed.
 *
 * <p><b>Self-preservation</b> (see {@link CachingRegistry}): removals that take most of the
 * service's nodes at once are held — the nodes keep being served, the status is
 * {@link CacheStatus.State#DEGRADED DEGRADED} with the reason — until each comes back or
 * {@link CacheOptions#preservation()} has passed; those that have not come back by then are
 * dropped at the next lookup or status read.
 */
public final class CachedService {

    private static final Logger LOG = LoggerFactory.getLogger(CachedService.class);

    private final String name;
    private final CachingRegistry owner;
    private final CacheOptions options;
    private final RegistryObserver observer;
    /** The state last passed to the observer; guarded by {@code this}. */
    private CacheStatus.State reported = CacheStatus.State.NOT_LOADED;
    /** The cache closed: nothing more is reported. Guarded by {@code this}. */
    private boolean retired;

    /** Node id to record, as served (held nodes included). Guarded by {@code this}. */
    private final Map<String, Service> records = new HashMap<>();
    /** Nodes removed by the backend in a mass removal, still served. Guarded by {@code this}. */
    private final Map<String, Service> held = new HashMap<>();
    /**
     * Removals not applied yet (still served) until {@link #pendingDeadline}: long enough to tell
     * one death from a mass removal. Guarded by {@code this}.
     */
    private final Map<String, Service> pending = new HashMap<>();
    private long pendingDeadline;
    private long holdUntil;
    /** Whether anything is pending or held: lookups then check the clock. */
    private volatile boolean deferred;

    private volatile List<Service> versions = List.of();
    private volatile boolean degraded;
    private volatile CacheStatus degradedStatus;

    CachedService(String name, CachingRegistry owner, CacheOptions options, RegistryObserver observer) {
        this.name = name;
        this.owner = owner;
        this.options = options;
        this.observer = observer;
    }

    /**
     * Tells the observer if this service's state changed since it was last told: DEGRADED while
     * nodes are held, else the state of the cache's subscription. Idempotent.
     */
    synchronized void report() {
        if (retired) {
            return;
        }
        CacheStatus.State now = degraded ? CacheStatus.State.DEGRADED : owner.feedStatus().state();
        if (now != reported) {
            CacheStatus.State before = reported;
            reported = now;
            observer.cacheStatusChanged(name, before, now);
        }
    }

    /** The cache closed: the observer hears this service return to NOT_LOADED, then nothing more. */
    synchronized void retire() {
        if (retired) {
            return;
        }
        retired = true;
        if (reported != CacheStatus.State.NOT_LOADED) {
            CacheStatus.State before = reported;
            reported = CacheStatus.State.NOT_LOADED;
            observer.cacheStatusChanged(name, before, CacheStatus.State.NOT_LOADED);
        }
    }

    /** The service name. */
    public String name() {
        return name;
    }

    /**
     * The current snapshot: one {@link Service} per version, sorted, nodes sorted by id; empty
     * when the service has no node. Served from memory, stale during an outage (see {@link #status()}).
     *
     * @throws IllegalStateException if the cache was closed before it followed the registry
     * @throws io.microregistry.RegistryException if the cache does not follow the registry yet
     *                                            and the backend cannot be read
     */
    public List<Service> versions() {
        if (!owner.following()) {
            owner.follow();
        }
        if (deferred) {
            catchUp();
        }
        return versions;
    }

    /** How current {@link #versions()} is. Never touches the backend. */
    public CacheStatus status() {
        if (deferred) {
            catchUp();
            CacheStatus held = degradedStatus;
            if (degraded && held != null) {
                return held;
            }
        }
        return owner.feedStatus();
    }

    /** The snapshot without loading; for the cache's hot path. */
    List<Service> current() {
        if (deferred) {
            catchUp();
        }
        return versions;
    }

    /** The whole view of this service, from the subscription's snapshot. */
    synchronized void replace(List<Service> records) {
        owner.nodes(records.size() - this.records.size());
        this.records.clear();
        for (Service record : records) {
            this.records.put(record.nodes().get(0).id(), record);
        }
        held.clear();
        pending.clear();
        deferred = false;
        endDegraded("the view was replaced");
        publish();
    }

    /**
     * One change, from the subscription (one call at a time). With self-preservation on, a
     * removal is applied {@link CacheOptions#massRemovalWindow()} later (or at the first lookup
     * after that), unless the cache finds the removals of that window to be a mass removal and
     * {@link #hold holds} them.
     *
     * @return what the cache's mass-removal count must hear of: 1 for a deferred removal, -1 for
     *         a node this service did not have, 0 otherwise
     */
    synchronized int apply(WatchEvent event) {
        long now = System.nanoTime();
        catchUp(now);
        Node node = event.node();
        String id = node.id();
        if (event.type() == WatchEvent.Type.DELETE) {
            Service record = records.get(id);
            if (record == null) {
                return 0;
            }
            if (degraded) {
                // Part of the same loss: keep serving it until it returns or the hold ends.
                held.put(id, record);
                return 0;
            }
            if (options.preservation().isZero()) {
                records.remove(id);
                owner.nodes(-1);
                publish();
                return 0;
            }
            if (pending.isEmpty()) {
                pendingDeadline = now + options.massRemovalWindow().toNanos();
            }
            pending.put(id, record);
            deferred = true;
            return 1;
        }
        Service before = records.put(id, event.service());
        pending.remove(id);
        if (held.remove(id) != null && held.isEmpty()) {
            endDegraded("every held node came back");
        }
        deferred = !pending.isEmpty() || degraded;
        publish();
        if (before == null) {
            owner.nodes(1);
            return -1;
        }
        return 0;
    }

    /**
     * Self-preservation: the removals pending here belong to a mass removal; serve them for up
     * to {@link CacheOptions#preservation()} while they come back.
     */
    synchronized void hold(String reason) {
        if (pending.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        int count = pending.size();
        held.putAll(pending);
        pending.clear();
        if (!degraded) {
            holdUntil = now + options.preservation().toNanos();
            degradedStatus = new CacheStatus(CacheStatus.State.DEGRADED, Instant.now(),
                    Optional.of(new RegistryException(reason)));
            degraded = true;
            LOG.warn("cache of service '{}' is DEGRADED, serving {} vanished node(s) for up to {} ms while they come back: {}",
                    name, count, options.preservation().toMillis(), reason);
            report();
        }
        deferred = true;
    }

    /** Applies pending removals whose window is over and drops held nodes whose hold is over; holds the lock. */
    private void catchUp(long now) {
        if (!pending.isEmpty() && now - pendingDeadline >= 0) {
            pending.keySet().forEach(records::remove);
            owner.nodes(-pending.size());
            pending.clear();
            publish();
        }
        expireHeld(now);
        deferred = !pending.isEmpty() || degraded;
    }

    private void endDegraded(String why) {
        if (!degraded) {
            return;
        }
        degraded = false;
        CacheStatus was = degradedStatus;
        degradedStatus = null;
        LOG.info("cache of service '{}' is no longer degraded after {} ms: {}", name,
                was == null ? 0 : Duration.between(was.since(), Instant.now()).toMillis(), why);
        report();
    }

    /** A lookup's check of what is pending or held; cheap unless something is due. */
    private void catchUp() {
        long now = System.nanoTime();
        boolean due;
        synchronized (this) {
            due = (!pending.isEmpty() && now - pendingDeadline >= 0) || (degraded && now - holdUntil >= 0);
            if (due) {
                catchUp(now);
            }
        }
    }

    /** Drops held nodes once the hold is over; holds the lock. */
    private void expireHeld(long now) {
        if (!degraded || now - holdUntil < 0) {
            return;
        }
        int dropped = held.size();
        held.keySet().forEach(records::remove);
        owner.nodes(-dropped);
        held.clear();
        endDegraded(dropped + " held node(s) did not come back within " + options.preservation().toMillis()
                + " ms and were dropped");
        publish();
    }

    /** Publishes a new immutable snapshot; holds the lock. */
    private void publish() {
        versions = records.isEmpty() ? List.of() : List.copyOf(VersionGrouping.group(new ArrayList<>(records.values())));
    }

    @Override
    public String toString() {
        return "CachedService[" + name + ", " + status().state() + "]";
    }
}

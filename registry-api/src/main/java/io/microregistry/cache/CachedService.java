package io.microregistry.cache;

import io.microregistry.Node;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
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

    /** Node id to record, as served (held nodes included). Guarded by {@code this}. */
    private final Map<String, Service> records = new HashMap<>();
    /** Nodes removed by the backend in a mass removal, still served. Guarded by {@code this}. */
    private final Map<String, Service> held = new HashMap<>();
    /** Removals in the current detection window. Guarded by {@code this}. */
    private final Map<String, Service> removedInWindow = new HashMap<>();
    private long windowStart;
    /** The most nodes the service had since the window started. */
    private int windowBaseline;
    private long holdUntil;

    private volatile List<Service> versions = List.of();
    private volatile boolean degraded;
    private volatile CacheStatus degradedStatus;

    CachedService(String name, CachingRegistry owner, CacheOptions options) {
        this.name = name;
        this.owner = owner;
        this.options = options;
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
        if (degraded) {
            expireHeld();
        }
        return versions;
    }

    /** How current {@link #versions()} is. Never touches the backend. */
    public CacheStatus status() {
        if (degraded) {
            expireHeld();
            CacheStatus held = degradedStatus;
            if (degraded && held != null) {
                return held;
            }
        }
        return owner.feedStatus();
    }

    /** The snapshot without loading; for the cache's hot path. */
    List<Service> current() {
        if (degraded) {
            expireHeld();
        }
        return versions;
    }

    /** The whole view of this service, from the subscription's snapshot. */
    synchronized void replace(List<Service> records) {
        this.records.clear();
        for (Service record : records) {
            this.records.put(record.nodes().get(0).id(), record);
        }
        held.clear();
        removedInWindow.clear();
        endDegraded("the view was replaced");
        publish();
    }

    /** One change, from the subscription (one call at a time). */
    synchronized void apply(WatchEvent event) {
        long now = System.nanoTime();
        expireHeld(now);
        Node node = event.node();
        String id = node.id();
        if (event.type() == WatchEvent.Type.DELETE) {
            Service record = records.get(id);
            if (record == null) {
                return;
            }
            if (degraded) {
                // Part of the same loss: keep serving it until it returns or the hold ends.
                held.put(id, record);
                return;
            }
            if (options.preservation().isZero()) {
                records.remove(id);
                publish();
                return;
            }
            if (removedInWindow.isEmpty() || now - windowStart > options.massRemovalWindow().toNanos()) {
                windowStart = now;
                windowBaseline = records.size();
                removedInWindow.clear();
            }
            removedInWindow.put(id, records.remove(id));
            int removed = removedInWindow.size();
            // Net loss against the window's peak, so churn (one leaves, one arrives) never counts as mass.
            if (removed >= options.massRemovalMinimum()
                    && records.size() < (1 - options.massRemovalFraction()) * windowBaseline) {
                startDegraded(now, removed);
            }
            publish();
            return;
        }
        records.put(id, event.service());
        removedInWindow.remove(id);
        if (!removedInWindow.isEmpty()) {
            windowBaseline = Math.max(windowBaseline, records.size());
        }
        if (held.remove(id) != null && held.isEmpty()) {
            endDegraded("every held node came back");
        }
        publish();
    }

    private void startDegraded(long now, int removed) {
        held.putAll(removedInWindow);
        records.putAll(removedInWindow);
        removedInWindow.clear();
        holdUntil = now + options.preservation().toNanos();
        String reason = "self-preservation: " + removed + " of " + windowBaseline + " nodes of service '" + name
                + "' vanished within " + options.massRemovalWindow().toMillis() + " ms; serving them for up to "
                + options.preservation().toMillis() + " ms while they come back";
        degradedStatus = new CacheStatus(CacheStatus.State.DEGRADED, Instant.now(),
                Optional.of(new RegistryException(reason)));
        degraded = true;
        LOG.warn("cache of service '{}' is DEGRADED: {}", name, reason);
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
    }

    private void expireHeld() {
        long now = System.nanoTime();
        if (now - holdUntil >= 0) {
            synchronized (this) {
                expireHeld(now);
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

package io.microregistry.selector;

import io.microregistry.Backoff;
import io.microregistry.Node;
import io.microregistry.RegistrationRules;
import io.microregistry.RegistryException;
import io.microregistry.cache.CachedService;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@link Selector}: picks from the view of a service's current cache snapshot.
 *
 * <p>The fast path (a service already seen, no node ejected, no filter or a memoised one) is a
 * map read, two volatile reads and the strategy's arithmetic on precomputed arrays: no lock, no
 * allocation. Anything else (first sight of a service, a new snapshot, an ejected node) takes
 * the slow path, which may allocate.
 */
final class SnapshotSelector implements Selector {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSelector.class);

    private final CachingRegistry cache;
    private final boolean ownsCache;
    private final Strategy.Kind kind;
    private final Ejection ejection;
    private final Backoff ejectionPeriod;
    /** The cache's observer: selections, failures to select, ejections. */
    private final RegistryObserver observer;
    private final ConcurrentHashMap<String, ServiceBalance> services = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SnapshotSelector(CachingRegistry cache, boolean ownsCache, Strategy strategy, Ejection ejection) {
        this.cache = cache;
        this.ownsCache = ownsCache;
        this.kind = strategy.kind();
        this.ejection = ejection;
        this.ejectionPeriod = new Backoff(ejection.initialDuration(), ejection.maxDuration());
        this.observer = cache.observer();
    }

    @Override
    public Node select(String service) {
        ServiceBalance balance = balance(service);
        NodeView view = balance.view();
        return view.nodes[observedPick(balance, view, view.all)];
    }

    @Override
    public Node select(String service, Filter filter) {
        requireFilter(filter);
        ServiceBalance balance = balance(service);
        NodeView view = balance.view();
        return view.nodes[observedPick(balance, view, view.candidates(filter))];
    }

    @Override
    public Selection acquire(String service) {
        ServiceBalance balance = balance(service);
        NodeView view = balance.view();
        return claim(balance, view, observedPick(balance, view, view.all));
    }

    @Override
    public Selection acquire(String service, Filter filter) {
        requireFilter(filter);
        ServiceBalance balance = balance(service);
        NodeView view = balance.view();
        return claim(balance, view, observedPick(balance, view, view.candidates(filter)));
    }

    @Override
    public void reset(String service) {
        if (service == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        ServiceBalance balance = services.get(service);
        if (balance != null) {
            balance.reset();
            LOG.info("selector state of service '{}' reset", service);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsCache) {
            cache.close();
        }
    }

    @Override
    public String toString() {
        return "Selector[" + kind + " over " + cache + "]";
    }

    /** Feedback from a {@link Claim}: the node answered. */
    void succeeded(NodeHealth health) {
        // Read before writing, so a healthy node's counters are not written on every call.
        if (health.failures.get() != 0) {
            health.failures.set(0);
        }
        if (health.ejections.get() != 0) {
            health.ejections.set(0);
        }
    }

    /** Feedback from a {@link Claim}: the node failed; eject it after enough failures in a row. */
    void failed(ServiceBalance balance, NodeHealth health) {
        if (!ejection.enabled() || health.retired) {
            return;
        }
        int failures = health.failures.incrementAndGet();
        if (failures < ejection.failures() || !health.failures.compareAndSet(failures, 0)) {
            return;
        }
        eject(balance, health, failures);
    }

    /**
     * Ejects the node. The node may have retired (left the view in {@link ServiceBalance}'s
     * rebuild) at any point since {@link #failed} checked: if the rebuild cleared
     * {@code ejectedUntil} before this sets it, nothing would ever undo this increment, and every
     * later pick would take the allocating slow path. So after setting it, look again and clear
     * it as the rebuild does. The count stays exact because every change of {@code ejectedUntil}
     * is a getAndSet whose previous value says whether to count up (from not ejected) or down (to
     * not ejected), whoever makes it; and the rebuild sets {@code retired} before it clears, so
     * one of the two always sees the other.
     */
    void eject(ServiceBalance balance, NodeHealth health, int failures) {
        int previous = health.ejections.getAndIncrement();
        Duration period = ejectionPeriod.delay(previous);
        long until = System.nanoTime() + period.toNanos();
        if (health.ejectedUntil.getAndSet(until) == NodeHealth.NOT_EJECTED) {
            balance.ejected.incrementAndGet();
        }
        if (health.retired) {
            if (health.ejectedUntil.getAndSet(NodeHealth.NOT_EJECTED) != NodeHealth.NOT_EJECTED) {
                balance.ejected.decrementAndGet();
            }
            return;
        }
        LOG.warn("node '{}' of service '{}' ejected for {} ms after {} failures in a row (ejection {})",
                health.nodeId, balance.name, period.toMillis(), failures, previous + 1);
        observer.ejected(balance.name, health.nodeId, period);
    }

    private Selection claim(ServiceBalance balance, NodeView view, int index) {
        NodeHealth health = view.health[index];
        health.inFlight.incrementAndGet();
        return new Claim(this, balance, view.nodes[index], health);
    }

    private ServiceBalance balance(String service) {
        if (service != null && !closed) {
            ServiceBalance known = services.get(service);
            if (known != null) {
                return known;
            }
        }
        return firstSight(service);
    }

    private ServiceBalance firstSight(String service) {
        if (service == null) {
            throw new IllegalArgumentException("service name must not be null");
        }
        checkOpen();
        RegistrationRules.checkServiceName(service);
        // Loads the service into the cache (blocking) before the balance exists, so a failed load
        // leaves nothing behind and the next call tries again.
        CachedService entry;
        try {
            entry = cache.cached(service);
        } catch (RegistryException e) {
            observer.selectionFailed(service, e);
            throw e;
        }
        return services.computeIfAbsent(service, name -> new ServiceBalance(name, entry));
    }

    /** {@link #pick}, told to the observer: a selection, or the failure to make one. */
    private int observedPick(ServiceBalance balance, NodeView view, Candidates candidates) {
        int index;
        try {
            index = pick(balance, view, candidates);
        } catch (NoSuchElementException e) {
            observer.selectionFailed(balance.name, e);
            throw e;
        }
        observer.selected(balance.name);
        return index;
    }

    /** The index (into the view's arrays) of the node to use. */
    private int pick(ServiceBalance balance, NodeView view, Candidates candidates) {
        int count = candidates.size();
        if (count == 0) {
            if (view.nodes.length == 0) {
                throw new NoSuchServiceException(balance.name);
            }
            throw new NoEligibleNodeException(balance.name, view.nodes.length, view.nodes.length, 0);
        }
        if (balance.ejected.get() != 0) {
            return pickAvoidingEjected(balance, view, candidates);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int[] indices = candidates.indices;
        return switch (kind) {
            case ROUND_ROBIN -> indices[(int) ((balance.position.getAndIncrement() & Long.MAX_VALUE) % count)];
            case RANDOM -> indices[random.nextInt(count)];
            case WEIGHTED -> candidates.totalWeight == 0 ? indices[random.nextInt(count)]
                    : indices[candidates.positionByWeight(random.nextLong())];
            case POWER_OF_TWO_CHOICES -> lessLoaded(view, indices, count, random);
        };
    }

    /** The slow path while some node of the service is ejected: narrow to the available ones first. */
    private int pickAvoidingEjected(ServiceBalance balance, NodeView view, Candidates candidates) {
        long now = System.nanoTime();
        int[] available = new int[candidates.size()];
        int count = 0;
        for (int index : candidates.indices) {
            if (available(balance, view.health[index], now)) {
                available[count++] = index;
            }
        }
        if (count == 0) {
            throw new NoEligibleNodeException(balance.name, view.nodes.length,
                    view.nodes.length - candidates.size(), candidates.size());
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (kind) {
            case ROUND_ROBIN -> available[(int) ((balance.position.getAndIncrement() & Long.MAX_VALUE) % count)];
            case RANDOM -> available[random.nextInt(count)];
            case WEIGHTED -> weightedAmong(view, available, count, random);
            case POWER_OF_TWO_CHOICES -> lessLoaded(view, available, count, random);
        };
    }

    /** Whether the node may be picked now; puts it back in selection once its ejection is over. */
    private static boolean available(ServiceBalance balance, NodeHealth health, long now) {
        long until = health.ejectedUntil.get();
        if (until == NodeHealth.NOT_EJECTED) {
            return true;
        }
        if (now - until < 0) {
            return false;
        }
        if (health.ejectedUntil.compareAndSet(until, NodeHealth.NOT_EJECTED)) {
            balance.ejected.decrementAndGet();
            LOG.info("node '{}' of service '{}' back in selection after its ejection", health.nodeId, balance.name);
        }
        return true;
    }

    private static int weightedAmong(NodeView view, int[] indices, int count, ThreadLocalRandom random) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += view.weights[indices[i]];
        }
        if (total == 0) {
            return indices[random.nextInt(count)];
        }
        long point = random.nextLong(total);
        for (int i = 0; i < count; i++) {
            point -= view.weights[indices[i]];
            if (point < 0) {
                return indices[i];
            }
        }
        return indices[count - 1];
    }

    /** Power of two choices: two distinct nodes at random, the one with fewer calls in flight. */
    private static int lessLoaded(NodeView view, int[] indices, int count, ThreadLocalRandom random) {
        if (count == 1) {
            return indices[0];
        }
        int first = random.nextInt(count);
        int second = random.nextInt(count - 1);
        if (second >= first) {
            second++;
        }
        int a = indices[first];
        int b = indices[second];
        return view.health[b].inFlight.get() < view.health[a].inFlight.get() ? b : a;
    }

    private static void requireFilter(Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter must not be null");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("selector is closed");
        }
    }
}

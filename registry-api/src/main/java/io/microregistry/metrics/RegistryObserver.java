package io.microregistry.metrics;

import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheStatus;

import java.time.Duration;
import java.util.Optional;

/**
 * What the registry tells an operator's metrics: one method per event, each a no-op by default,
 * so an implementation overrides only what it records. {@code registry-micrometer} is one
 * (Micrometer meters); anything else (logs, another metrics library) can be.
 *
 * <p><b>How it is found.</b> Each client ({@code StoreRegistry} of {@code registry-core}, and a
 * {@link io.microregistry.cache.CachingRegistry} with the selectors over it) asks
 * {@link #discover()} once, when it is created: every implementation listed in
 * {@code META-INF/services/io.microregistry.metrics.RegistryObserver} is instantiated (public
 * no-argument constructor) and called in turn; with none on the class path the client holds
 * {@link #none()} and an event costs one call of an empty method. Nothing is kept in static
 * state: two clients have two instances. To report elsewhere, pass an observer explicitly
 * ({@code new StoreRegistry(store, observer)}, {@link io.microregistry.cache.CacheOptions.Builder#observer},
 * {@code MemoryStore.client(observer)}).
 *
 * <p><b>Contract for implementations.</b>
 * <ul>
 *   <li>Methods are called on the registry's own threads (the caller's for registrations and
 *       selections, watch pumps and delivery threads for watch and cache events, a backend's
 *       keep-alive threads for liveness), possibly concurrently: be thread-safe.</li>
 *   <li>Never block and never do I/O: {@link #selected} runs on every selection, which is
 *       otherwise lock- and allocation-free. Record and return.</li>
 *   <li>Never throw. If a method does anyway, the client catches it, logs the first failure once
 *       (per client that holds the observer; later failures are dropped silently) and carries on:
 *       an observer never breaks a registration, a watch or a selection.</li>
 *   <li>Paired events come balanced per client: every {@link #registrationKept} is followed by
 *       one {@link #registrationReleased} of the same node (at the latest when the client closes);
 *       every cache entry's {@link #cacheStatusChanged} transitions chain {@code from} the
 *       previous {@code to}, starting from and (when the cache closes) returning to
 *       {@link CacheStatus.State#NOT_LOADED NOT_LOADED}.</li>
 * </ul>
 * Arguments are never null.
 */
public interface RegistryObserver {

    /**
     * The observer found on the class path, once per call (each client calls it once): the one
     * implementation listed for {@link java.util.ServiceLoader}, all of them in turn if several
     * are, {@link #none()} if none is. Failures of each are caught and logged once.
     *
     * @throws IllegalStateException if a listed implementation cannot be instantiated
     */
    static RegistryObserver discover() {
        return Observers.discover();
    }

    /** The observer that records nothing: every method is the empty default. */
    static RegistryObserver none() {
        return Observers.NONE;
    }

    /**
     * {@code observer} with every call guarded: an exception it throws is caught and logged
     * once (for this guard), never passed on. Guarding a guarded observer, or {@link #none()},
     * returns it as is. Clients guard whatever they are given.
     */
    static RegistryObserver guarded(RegistryObserver observer) {
        return Observers.guarded(observer);
    }

    // --- registrations (StoreRegistry) ---

    /**
     * This client now keeps node {@code nodeId} of {@code service} alive (its first successful
     * registration; registering it again with changes is no new event).
     */
    default void registrationKept(String service, String nodeId) {
    }

    /**
     * This client no longer keeps the node alive: deregistered, or the client closed or was
     * abandoned (its nodes then expire with their TTL).
     */
    default void registrationReleased(String service, String nodeId) {
    }

    // --- liveness (a backend's LivenessGroup) ---

    /**
     * A liveness primitive of this client was lost: {@code primitive} names its kind
     * ({@code "lease"} for etcd, {@code "session"} for ZooKeeper, {@code "check"} for Consul TTL
     * checks), {@code records} is how many registrations it kept. The group writes them back next.
     */
    default void livenessLost(String primitive, int records) {
    }

    /** A registration was written back after its liveness primitive was lost. */
    default void writtenBack(String service, String nodeId) {
    }

    // --- watches (SubscriptionHub) ---

    /**
     * The shared watch of one prefix ({@code service} present) or of all services changed state:
     * CURRENT, RESYNCING (broke, re-reading) or STALE (cannot be re-opened yet).
     */
    default void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
    }

    /**
     * A broken watch tried to re-open and re-read its prefix: {@code succeeded} if it follows the
     * backend again (the difference was delivered as events), false if the attempt failed and
     * will be retried with backoff.
     */
    default void watchResync(Optional<String> service, boolean succeeded) {
    }

    // --- cache (CachingRegistry) ---

    /**
     * The status of one cached service in one cache changed ({@code from} is never {@code to}).
     * A cache's entries start at and, when it closes, return to
     * {@link CacheStatus.State#NOT_LOADED NOT_LOADED}.
     */
    default void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
    }

    // --- selection (Selector) ---

    /** A selector picked a node of {@code service} ({@code select} or {@code acquire}). Hot path: no allocation, no lock. */
    default void selected(String service) {
    }

    /**
     * A selection of {@code service} found no node: {@code failure} is the
     * {@link io.microregistry.selector.NoSuchServiceException},
     * {@link io.microregistry.selector.NoEligibleNodeException} or
     * {@link io.microregistry.RegistryException} the caller receives.
     */
    default void selectionFailed(String service, RuntimeException failure) {
    }

    /** A selector ejected node {@code nodeId} of {@code service} for {@code period} after failed calls. */
    default void ejected(String service, String nodeId, Duration period) {
    }
}

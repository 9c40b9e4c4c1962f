package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.cache.CachingRegistry;

/**
 * Picks one node of a service for the next call, client side, from a watch-driven cache of
 * the registry.
 *
 * <pre>{@code
 * try (Selector selector = Selector.of(registry, Strategy.roundRobin())) {
 *     Node node = selector.select("greeter", Filter.version("1.0"));          // plain pick
 *     try (Selection s = selector.acquire("greeter")) {                        // pick with feedback
 *         call(s.node());
 *         s.success();            // or s.failure(); closing without either just ends the call
 *     }
 * }
 * }</pre>
 *
 * <p><b>Two ways to pick.</b> {@link #select(String)} returns a node and records nothing: no
 * allocation and no lock on a cached service with no filter (and none with a filter held in a
 * constant, once warmed up). {@link #acquire(String)} returns a {@link Selection} handle that
 * counts the call as in flight until it is completed, and whose outcome feeds ejection; the
 * {@link Strategy#powerOfTwoChoices() power-of-two-choices} strategy balances on those
 * in-flight counts, so use {@code acquire} with it.
 *
 * <p><b>Ejection.</b> A node whose calls fail {@link Ejection#failures()} times in a row is left
 * out of selection for a backoff period that grows with each ejection, then tried again; a
 * success forgets its failures. {@link #reset(String)} forgets all of a service's state.
 * Ejection never makes a node disappear from the registry: it is this selector's opinion only.
 *
 * <p><b>Blocking:</b> the first selection blocks while the cache subscribes to the registry (one
 * backend read, however many threads ask at once); later selections are served from memory and
 * never block. The cache follows every service through one subscription, so a service with no
 * node throws {@link NoSuchServiceException} from memory, costs nothing, and is found as soon as
 * it is registered.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread concurrently.
 *
 * <p><b>Failures:</b> {@link NoSuchServiceException} when the registry has no node of the
 * service; {@link NoEligibleNodeException} when it has some but every one is filtered out or
 * ejected; {@link io.microregistry.RegistryUnavailableException} (a {@link RegistryException})
 * when the service was never loaded and the backend cannot be read now (once loaded, an outage
 * serves the last known nodes instead). Null or blank service names and null filters throw
 * {@link IllegalArgumentException}; any call after {@link #close()} throws
 * {@link IllegalStateException}.
 */
public interface Selector extends AutoCloseable {

    /**
     * A selector over {@code registry} with the default {@link Ejection}. If {@code registry} is a
     * {@link CachingRegistry} it is used as is and stays open when the selector closes; otherwise
     * the selector wraps it in a cache of its own, which it closes on {@link #close()} (the
     * registry itself stays open: it is the caller's).
     */
    static Selector of(Registry registry, Strategy strategy) {
        return of(registry, strategy, Ejection.DEFAULT);
    }

    /** {@link #of(Registry, Strategy)} with an ejection policy. */
    static Selector of(Registry registry, Strategy strategy, Ejection ejection) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (strategy == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        if (ejection == null) {
            throw new IllegalArgumentException("ejection must not be null");
        }
        if (registry instanceof CachingRegistry cache) {
            return new SnapshotSelector(cache, false, strategy, ejection);
        }
        return new SnapshotSelector(CachingRegistry.view(registry), true, strategy, ejection);
    }

    /**
     * Picks a node of {@code service} among all its versions, records nothing.
     *
     * @throws NoSuchServiceException   if the registry has no node of the service
     * @throws NoEligibleNodeException  if every node is ejected
     * @throws RegistryException        if the service is not cached yet and the backend cannot be read
     */
    Node select(String service);

    /**
     * Picks a node of {@code service} that passes {@code filter}, records nothing. Hold filters
     * in constants: selection memoises the nodes a filter passes per snapshot of the service.
     *
     * @throws NoSuchServiceException   if the registry has no node of the service
     * @throws NoEligibleNodeException  if every node is filtered out or ejected
     * @throws RegistryException        if the service is not cached yet and the backend cannot be read
     */
    Node select(String service, Filter filter);

    /**
     * Picks a node of {@code service} for one call and counts the call in flight until the
     * returned handle is completed. Complete it exactly once: {@link Selection#success()},
     * {@link Selection#failure()}, or {@link Selection#close()} (use try-with-resources).
     *
     * @throws NoSuchServiceException   if the registry has no node of the service
     * @throws NoEligibleNodeException  if every node is ejected
     * @throws RegistryException        if the service is not cached yet and the backend cannot be read
     */
    Selection acquire(String service);

    /** {@link #acquire(String)} among the nodes that pass {@code filter}. */
    Selection acquire(String service, Filter filter);

    /**
     * Forgets this selector's state about {@code service}: failure counts, ejections and the
     * round-robin position. In-flight counts of calls not yet completed are kept, so that their
     * completion still balances. Does nothing for a service never selected.
     */
    void reset(String service);

    /**
     * Releases the selector (and the cache it created, if it created one). Idempotent; selections
     * already handed out may still be completed.
     */
    @Override
    void close();
}

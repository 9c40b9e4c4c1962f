package io.microregistry;

import java.util.List;

/**
 * A client of a service registry: registers this process's services, looks others up,
 * and watches them change. Obtain one with {@link Registries#fromEnvironment()} or
 * {@link Registries#open(String, RegistryConfig)}.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread concurrently.
 *
 * <p><b>Blocking:</b> every method blocks until the backend answers or the configured
 * {@link RegistryConfig#timeout() timeout} expires; none blocks forever.
 *
 * <p><b>Liveness:</b> a registered node is kept alive by this client (lease renewal, TTL
 * check, session) until it is deregistered or the client is closed. If the backend loses
 * it (lease expiry during an outage, server or agent restart, session expiry) the client
 * writes it again, with backoff, for as long as the client is open. If the process dies,
 * the node disappears within its TTL.
 *
 * <p><b>Failures:</b> invalid arguments throw {@link IllegalArgumentException} naming the
 * field; backend trouble throws a {@link RegistryException} with the cause attached; any
 * call after {@link #close()} throws {@link IllegalStateException}. Nulls are rejected.
 */
public interface Registry extends AutoCloseable {

    /**
     * Registers every node of {@code service} and keeps them alive. Returns once the write is
     * durable on the backend. Registering a node that exists (same service name and node id)
     * replaces it in place; it never creates a second entry.
     *
     * @throws IllegalArgumentException if the service, a node, or the options break a rule
     * @throws RegistryException        if the backend could not take the write
     */
    void register(Service service, RegisterOptions options);

    /** {@link #register(Service, RegisterOptions)} with {@link RegisterOptions#defaults()}. */
    default void register(Service service) {
        register(service, RegisterOptions.defaults());
    }

    /**
     * Removes the nodes listed in {@code service} (matched by service name and node id),
     * and stops keeping them alive if this client registered them. Other nodes of the service
     * stay. Removing a node that is not there is not an error. Removing a node that another
     * live client registered is best-effort: that client owns its liveness and may write it
     * again (as it would after any loss); deregister through the owner, or stop it.
     */
    void deregister(Service service);

    /**
     * The live nodes of the named service, one {@link Service} per version, sorted by version;
     * nodes within a version sorted by id. An unknown service yields an empty list, never an
     * exception and never null.
     */
    List<Service> getService(String name);

    /**
     * Every registered service, one {@link Service} per name and version with its live nodes,
     * sorted by name then version.
     */
    List<Service> listServices();

    /**
     * Opens a watcher. Returns once the watch is established: every change committed after
     * this method returns is delivered, per node, in the order the backend applied it. The
     * watcher survives backend outages and resynchronises on its own; it ends only when
     * stopped or when this client closes.
     */
    Watcher watch(WatchOptions options);

    /**
     * Follows changes by push. Returns once the subscription is established: the listener is
     * then called with the current view ({@link WatchListener#onSnapshot}) and afterwards with
     * every change committed after this method returned, per node, in the order the backend
     * applied it, on the client's own threads (see {@link WatchListener} for threading and
     * slow listeners). The subscription survives backend outages, resynchronises on its own
     * and reports its health ({@link Subscription#status()}, {@link WatchListener#onStatus});
     * it ends when closed or when this client closes.
     *
     * <p>The default implementation opens a subscription hub of its own per call (one
     * {@link #watch(WatchOptions) watcher} and one pump thread per subscription; the hub is in
     * {@code registry-core}, which must be on the class path at run time); every backend of this
     * project overrides it with the client's one hub, so all subscribers of a prefix in a client
     * share one backend watch.
     *
     * @throws IllegalArgumentException if an argument is null or the filter breaks a rule
     * @throws RegistryException        if the backend could not establish the watch
     */
    default Subscription subscribe(WatchOptions options, WatchListener listener) {
        return io.microregistry.internal.CoreServices.get().subscribe(this, options, listener);
    }

    /** {@link #watch(WatchOptions)} over every service. */
    default Watcher watch() {
        return watch(WatchOptions.all());
    }

    /**
     * Deregisters every node this client registered, stops its watchers and releases its
     * threads and connections. Idempotent. Never throws: backend trouble while cleaning up is
     * logged, and the nodes then expire with their TTL.
     */
    @Override
    void close();
}

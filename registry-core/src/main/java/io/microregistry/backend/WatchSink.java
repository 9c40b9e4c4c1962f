package io.microregistry.backend;

import io.microregistry.RegistryException;
import io.microregistry.WatchEvent;
import io.microregistry.WatchStatus;

/**
 * Where a store's prefix watch ({@link RegistryStore#watch}) pushes what it sees. Implemented by
 * the core: {@link StoreRegistry} turns it into a pull-style {@link io.microregistry.Watcher} for
 * {@link io.microregistry.Registry#watch} and into the shared view behind every subscription of a
 * client, so a store never keeps a queue or a thread per watcher.
 *
 * <p><b>Calls.</b> Every method is non-blocking and may be called from any of the store's own
 * threads (jetcd's executor, Curator's event thread, a Consul feed). Events must be pushed in the
 * backend's order, never two at once; a status may be pushed from another thread. No push starts
 * after the watch was {@linkplain PrefixWatch#close() closed} or after {@link #broken}. A call may
 * wait briefly for the core's own lock, so a store should push while holding no lock that its
 * {@link PrefixWatch#close()} or its client library's callbacks need.
 * The core filters events by the watch's {@link io.microregistry.WatchOptions}, so a store may push
 * a lookalike service a prefix also matched; the core does not de-duplicate, so a store must not
 * push a change twice.
 */
public interface WatchSink {

    /** One change of one node (a record holding exactly that node), in the backend's order. */
    void event(WatchEvent event);

    /**
     * The watch's health changed: RESYNCING while it recovers on its own after an outage, STALE
     * when recovery keeps failing, CURRENT again once it has delivered the difference. Pushing
     * the state it already has is harmless.
     */
    void status(WatchStatus status);

    /**
     * The watch ended without being asked and will push nothing more; the core re-opens it with
     * backoff, re-reads the prefix and delivers the difference (a pull-style watcher stops).
     */
    void broken(RegistryException cause);
}

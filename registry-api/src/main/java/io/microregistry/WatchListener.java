package io.microregistry;

import java.util.List;

/**
 * Receives a {@link Subscription}'s view of the registry: first the whole current view, then
 * every change, then any change of the subscription's health.
 *
 * <p><b>Threading:</b> the subscription calls its listener on one of the client's own
 * threads, one call at a time and in order: a listener needs no locking of its own against
 * itself, but must not assume any particular thread. A listener that blocks holds back only
 * its own subscription; one that is slow for long is not fed an unbounded backlog: its
 * pending changes are coalesced per node (the latest state of each node wins), so it may
 * see fewer {@link WatchEvent.Type#UPDATE UPDATE}s than happened, never a wrong final state.
 *
 * <p><b>Failures:</b> an exception thrown by the listener is logged once per subscription
 * and does not end the subscription.
 */
public interface WatchListener {

    /**
     * The view at the moment the subscription was established: every live node matching the
     * filter, one {@link Service} per name and version, as
     * {@link Registry#listServices()} groups them. Called exactly once, before any
     * {@link #onEvent}. Empty if nothing matches yet.
     */
    default void onSnapshot(List<Service> current) {
    }

    /** One change to one node, in the order the backend applied it. */
    void onEvent(WatchEvent event);

    /**
     * The subscription's health changed (for example CURRENT → RESYNCING → CURRENT across an
     * outage). Called once per change of {@link WatchStatus#state()}, never per event.
     */
    default void onStatus(WatchStatus status) {
    }
}

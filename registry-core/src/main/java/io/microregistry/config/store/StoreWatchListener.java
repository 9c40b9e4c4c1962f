package io.microregistry.config.store;

import io.microregistry.RegistryException;
import io.microregistry.config.ConfigChange;

import java.util.List;

/**
 * Where a {@link ConfigStore#watch} delivers. Implemented by the core; every method is
 * non-blocking and may be called from the store's own threads, one call at a time.
 */
public interface StoreWatchListener {

    /** Changes in the order the backend applied them, each with its revision. */
    void onChanges(List<ConfigChange> changes);

    /** The whole state of the prefix now; the core emits the difference to what it has. */
    void onListing(StoreListing listing);

    /** The watch is established and caught up: the subscription is current. */
    void onCurrent();

    /** The watch broke; nothing more will be delivered on it. */
    void onTrouble(RegistryException cause);
}

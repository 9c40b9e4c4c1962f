package io.microregistry.backend;

import io.microregistry.WatchOptions;

/**
 * Opens push watches of one prefix for a {@link Feed}: a store's own ({@link RegistryStore#watch}),
 * or a foreign {@link io.microregistry.Registry}'s pull watcher pumped by a thread
 * ({@link PumpedWatch}). Blocks until the watch is established.
 */
@FunctionalInterface
interface WatchSource {

    /** @throws io.microregistry.RegistryException if the watch cannot be established */
    PrefixWatch open(WatchOptions options, WatchSink sink);
}

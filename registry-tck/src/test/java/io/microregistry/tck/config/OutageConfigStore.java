package io.microregistry.tck.config;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A memory store behind a switch that plays an unreachable server: while down, every call
 * fails as a network failure would and open watches break. Lets the core's fallback and
 * resume paths run under the TCK without a server.
 */
final class OutageConfigStore extends ForwardingConfigStore {
    private final AtomicBoolean down;
    private final Set<StoreWatchListener> open;

    OutageConfigStore(ConfigStore delegate, AtomicBoolean down, Set<StoreWatchListener> open) {
        super(delegate);
        this.down = down;
        this.open = open;
    }

    static Set<StoreWatchListener> newWatchSet() {
        return ConcurrentHashMap.newKeySet();
    }

    private <T> T up(Supplier<T> call) {
        if (down.get()) {
            throw new RegistryUnavailableException("the (simulated) server is down", new java.net.ConnectException("refused"));
        }
        return call.get();
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        return up(() -> delegate.get(key));
    }

    @Override
    public StoreListing list(String prefix) {
        return up(() -> delegate.list(prefix));
    }

    @Override
    public void put(String key, byte[] value) {
        up(() -> {
            delegate.put(key, value);
            return null;
        });
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        return up(() -> delegate.putIfVersion(key, value, version));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return up(() -> delegate.putIfAbsent(key, value));
    }

    @Override
    public boolean delete(String key) {
        return up(() -> delegate.delete(key));
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        StoreWatch watch = up(() -> delegate.watch(prefix, afterRevision, listener));
        open.add(listener);
        return () -> {
            open.remove(listener);
            watch.close();
        };
    }
}

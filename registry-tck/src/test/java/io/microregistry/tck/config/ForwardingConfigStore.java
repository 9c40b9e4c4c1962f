package io.microregistry.tck.config;

import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;

import java.util.Optional;

/** A store that forwards everything; broken stores override one thing. */
class ForwardingConfigStore implements ConfigStore {
    protected final ConfigStore delegate;

    ForwardingConfigStore(ConfigStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        return delegate.get(key);
    }

    @Override
    public StoreListing list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void put(String key, byte[] value) {
        delegate.put(key, value);
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        return delegate.putIfVersion(key, value, version);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return delegate.putIfAbsent(key, value);
    }

    @Override
    public boolean delete(String key) {
        return delegate.delete(key);
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        return delegate.watch(prefix, afterRevision, listener);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.microregistry.config.store;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigKeys;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigSubscription;
import io.microregistry.config.ConfigView;
import io.microregistry.config.ConfigWatcher;
import io.microregistry.config.ViewOptions;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one {@link Config} implementation: validation, closed state, subscriptions, watchers and
 * views over a backend's {@link ConfigStore}. A backend's
 * {@link io.microregistry.config.ConfigProvider#open} returns {@code new StoreConfig(store)};
 * plugin tests and fixtures wrap their stores the same way.
 *
 * <p>Thread-safe: every method may be called from any thread. Closing it closes the store.
 */
public final class StoreConfig implements Config {
    private final ConfigStore store;
    private final Set<Follower> followers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Wraps {@code store}, which this client then owns (and closes).
     *
     * @throws IllegalArgumentException if {@code store} is null
     */
    public StoreConfig(ConfigStore store) {
        if (store == null) {
            throw new IllegalArgumentException("store must not be null");
        }
        this.store = store;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this config client is closed");
        }
    }

    @Override
    public String backend() {
        return store.name();
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        ConfigKeys.key(key);
        open();
        return store.get(key).filter(e -> e.key().equals(key));
    }

    @Override
    public List<ConfigEntry> list(String prefix) {
        String dir = ConfigKeys.prefix(prefix);
        open();
        return store.list(dir).entries().stream()
                .filter(e -> e.key().startsWith(dir))
                .sorted(Comparator.comparing(ConfigEntry::key))
                .toList();
    }

    @Override
    public void put(String key, byte[] value) {
        ConfigKeys.key(key);
        ConfigKeys.value(key, value);
        open();
        store.put(key, value);
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        ConfigKeys.key(key);
        ConfigKeys.value(key, value);
        open();
        return store.putIfVersion(key, value, version);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        ConfigKeys.key(key);
        ConfigKeys.value(key, value);
        open();
        return store.putIfAbsent(key, value);
    }

    @Override
    public boolean delete(String key) {
        ConfigKeys.key(key);
        open();
        return store.delete(key);
    }

    @Override
    public ConfigSubscription subscribeKey(String key, ConfigListener listener) {
        ConfigKeys.key(key);
        return follow(key, k -> k.equals(key), listener, "key " + key);
    }

    @Override
    public ConfigSubscription subscribe(String prefix, ConfigListener listener) {
        String dir = ConfigKeys.prefix(prefix);
        return follow(dir, k -> k.startsWith(dir), listener, "prefix '" + dir + "'");
    }

    private ConfigSubscription follow(String storePrefix, java.util.function.Predicate<String> matches,
                                      ConfigListener listener, String label) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        open();
        Follower[] self = new Follower[1];
        Follower f = Follower.start(store, storePrefix, matches, listener, label, () -> followers.remove(self[0]));
        self[0] = f;
        followers.add(f);
        if (closed) {
            f.close();
        }
        return f.subscription();
    }

    @Override
    public ConfigWatcher watch(String prefix) {
        PullWatcher watcher = new PullWatcher();
        watcher.attach(subscribe(prefix, watcher));
        return watcher;
    }

    @Override
    public ConfigWatcher watchKey(String key) {
        PullWatcher watcher = new PullWatcher();
        watcher.attach(subscribeKey(key, watcher));
        return watcher;
    }

    @Override
    public ConfigView view(ViewOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        open();
        return LiveView.open(store, options, followers::add, followers::remove);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List.copyOf(followers).forEach(Follower::close);
        store.close();
    }

    @Override
    public String toString() {
        return "Config[" + store.name() + "]";
    }
}

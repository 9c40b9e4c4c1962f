package io.microregistry.config.store;

import io.microregistry.RegistryException;
import io.microregistry.WatchStatus;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigKeys;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigView;
import io.microregistry.config.ViewOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ConfigView}: one {@link Follower} per layer, each filling its own map; reads
 * search the layers in order. With a fallback file, every applied change rewrites the file,
 * and a boot that cannot reach the backend starts the unreachable layers from it. Thread-safe.
 */
final class LiveView implements ConfigView {
    private static final Logger log = LoggerFactory.getLogger(LiveView.class);

    private final List<String> layers;
    private final Map<String, Map<String, ConfigEntry>> byLayer = new ConcurrentHashMap<>();
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final FallbackFile fallback;
    /** Held while a change is applied and written to the fallback file; see {@link #close()}. */
    private final Object persistLock = new Object();
    private final AtomicBoolean fallbackFailed = new AtomicBoolean();
    private final Object changeLock = new Object();

    private LiveView(List<String> layers, FallbackFile fallback) {
        this.layers = layers;
        this.fallback = fallback;
        for (String layer : layers) {
            byLayer.put(layer, new ConcurrentHashMap<>());
        }
    }

    static LiveView open(ConfigStore store, ViewOptions options, java.util.function.Consumer<Follower> register,
                         java.util.function.Consumer<Follower> unregister) {
        LiveView view = new LiveView(options.layers(), options.fallbackFile().map(FallbackFile::new).orElse(null));
        List<ConfigEntry> seed = null;
        RegistryException bootFailure = null;
        try {
            for (String layer : options.layers()) {
                Listener listener = view.new Listener(layer);
                Follower[] self = new Follower[1];
                Follower f = null;
                if (bootFailure == null) {
                    try {
                        f = Follower.start(store, layer, k -> k.startsWith(layer), listener, "view " + layer,
                                () -> unregister.accept(self[0]));
                    } catch (RegistryException e) {
                        if (view.fallback == null || !view.fallback.exists()) {
                            throw e;
                        }
                        seed = view.readFallback(e);
                        bootFailure = e;
                    }
                }
                if (f == null) {
                    // Once the backend failed at boot, the other layers start from the file too rather than
                    // each waiting out its own timeout.
                    f = Follower.startStale(store, layer, k -> k.startsWith(layer), listener, "view " + layer, seed,
                            bootFailure, () -> unregister.accept(self[0]));
                }
                self[0] = f;
                view.followers.add(f);
                register.accept(f);
                listener.awaitSnapshot();
            }
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        view.persist();
        return view;
    }

    private List<ConfigEntry> readFallback(RegistryException cause) {
        try {
            return fallback.read();
        } catch (IOException e) {
            cause.addSuppressed(e);
            throw new RegistryException("the backend is unreachable and the last-known-good file " + fallback.path()
                    + " cannot be read", cause);
        }
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        ConfigKeys.key(key);
        for (String layer : layers) {
            ConfigEntry e = byLayer.get(layer).get(layer + key);
            if (e != null) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    @Override
    public Map<String, ConfigEntry> entries() {
        Map<String, ConfigEntry> merged = new TreeMap<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            String layer = layers.get(i);
            for (ConfigEntry e : byLayer.get(layer).values()) {
                merged.put(e.key().substring(layer.length()), e);
            }
        }
        return merged;
    }

    @Override
    public WatchStatus status() {
        WatchStatus worst = WatchStatus.current();
        for (Follower f : followers) {
            WatchStatus s = f.subscription().status();
            if (s.state().ordinal() > worst.state().ordinal()) {
                worst = s;
            }
        }
        return worst;
    }

    @Override
    public void onChange(Runnable callback) {
        callbacks.add(callback);
    }

    @Override
    public void close() {
        followers.forEach(Follower::close);
        // A change being applied right now is already visible to readers: let its file write
        // finish, so the file never holds less than a reader of this view has seen.
        synchronized (persistLock) {
            // Nothing to do inside: taking the lock is the wait.
        }
    }

    private void changed() {
        synchronized (changeLock) {
            for (Runnable r : callbacks) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("A config view callback threw", e);
                }
            }
        }
    }

    private void persist() {
        if (fallback == null) {
            return;
        }
        List<ConfigEntry> all = new ArrayList<>();
        byLayer.values().forEach(m -> all.addAll(m.values()));
        try {
            fallback.write(all);
            fallbackFailed.set(false);
        } catch (IOException e) {
            if (fallbackFailed.compareAndSet(false, true)) {
                log.warn("Cannot write the config last-known-good file {}; the view goes on", fallback.path(), e);
            }
        }
    }

    /** Keeps one layer's map. */
    private final class Listener implements ConfigListener {
        private final String layer;
        private final java.util.concurrent.CountDownLatch snapshot = new java.util.concurrent.CountDownLatch(1);

        Listener(String layer) {
            this.layer = layer;
        }

        void awaitSnapshot() {
            try {
                snapshot.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while opening a config view", e);
            }
        }

        @Override
        public void onSnapshot(List<ConfigEntry> current) {
            Map<String, ConfigEntry> map = byLayer.get(layer);
            current.forEach(e -> map.put(e.key(), e));
            snapshot.countDown();
        }

        @Override
        public void onChange(ConfigChange change) {
            Map<String, ConfigEntry> map = byLayer.get(layer);
            synchronized (persistLock) {
                if (change.type() == ConfigChange.Type.PUT) {
                    map.put(change.key(), change.entry().orElseThrow());
                } else {
                    map.remove(change.key());
                }
                persist();
            }
            changed();
        }
    }
}

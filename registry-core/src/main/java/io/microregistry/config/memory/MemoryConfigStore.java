package io.microregistry.config.memory;

import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded config store: entries in this JVM's memory with one global revision counter
 * and a bounded history, so a watch resumes from a revision exactly as on etcd (or, beyond
 * the history, with a listing). Each {@code new MemoryConfigStore()} is a separate store;
 * {@link #connect()} gives another client of the same one.
 *
 * <p>Thread-safe; watch delivery happens inside the write, in revision order, to listeners
 * that only enqueue.
 */
public final class MemoryConfigStore implements ConfigStore {
    private static final int HISTORY = 10_000;

    private final Data data;
    private final List<Registration> watches = new CopyOnWriteArrayList<>();

    /** A new, empty store. */
    public MemoryConfigStore() {
        this(new Data());
    }

    private MemoryConfigStore(Data data) {
        this.data = data;
    }

    /** Another client of the same data; closing it leaves this one working. */
    public MemoryConfigStore connect() {
        return new MemoryConfigStore(data);
    }

    private static final class Data {
        final TreeMap<String, ConfigEntry> entries = new TreeMap<>();
        final Deque<ConfigChange> history = new ArrayDeque<>();
        final List<Registration> listeners = new ArrayList<>();
        long revision;
    }

    private record Registration(String prefix, StoreWatchListener listener) {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        synchronized (data) {
            return Optional.ofNullable(data.entries.get(key));
        }
    }

    @Override
    public StoreListing list(String prefix) {
        synchronized (data) {
            List<ConfigEntry> under = new ArrayList<>(data.entries.tailMap(prefix, true).values().stream()
                    .takeWhile(e -> e.key().startsWith(prefix)).toList());
            return new StoreListing(under, data.revision);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        synchronized (data) {
            write(key, value);
        }
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        synchronized (data) {
            ConfigEntry current = data.entries.get(key);
            if (current == null || current.version() != version) {
                return false;
            }
            write(key, value);
            return true;
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        synchronized (data) {
            if (data.entries.containsKey(key)) {
                return false;
            }
            write(key, value);
            return true;
        }
    }

    @Override
    public boolean delete(String key) {
        synchronized (data) {
            if (data.entries.remove(key) == null) {
                return false;
            }
            record(ConfigChange.delete(key, ++data.revision));
            return true;
        }
    }

    private void write(String key, byte[] value) {
        long rev = ++data.revision;
        ConfigEntry entry = new ConfigEntry(key, value, rev, rev);
        data.entries.put(key, entry);
        record(ConfigChange.put(entry));
    }

    private void record(ConfigChange change) {
        data.history.addLast(change);
        if (data.history.size() > HISTORY) {
            data.history.removeFirst();
        }
        for (Registration r : data.listeners) {
            if (change.key().startsWith(r.prefix())) {
                r.listener().onChanges(List.of(change));
            }
        }
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        Registration registration = new Registration(prefix, listener);
        synchronized (data) {
            ConfigChange oldest = data.history.peekFirst();
            if (oldest != null && oldest.revision() > afterRevision + 1) {
                listener.onListing(list(prefix)); // history no longer reaches back: relist
            } else {
                List<ConfigChange> missed = data.history.stream()
                        .filter(c -> c.revision() > afterRevision && c.key().startsWith(prefix)).toList();
                if (!missed.isEmpty()) {
                    listener.onChanges(missed);
                }
            }
            listener.onCurrent();
            data.listeners.add(registration);
            watches.add(registration);
        }
        return () -> {
            synchronized (data) {
                data.listeners.remove(registration);
                watches.remove(registration);
            }
        };
    }

    @Override
    public void close() {
        synchronized (data) {
            data.listeners.removeAll(watches);
            watches.clear();
        }
    }
}

package io.microregistry.micrometer;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RegistryStore;
import io.microregistry.backend.WatchSink;
import io.microregistry.metrics.RegistryObserver;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store in this JVM whose faults a test makes: an outage (reads and watches fail, open watches
 * break), a wipe (every record gone, as a restored server's), and a lease loss (records gone,
 * then written back by their groups, which report it as a real backend's would). Thread-safe.
 */
final class FlakyStore implements RegistryStore {

    private final Object lock = new Object();
    private final Map<String, Service> records = new LinkedHashMap<>();
    private final Set<WatchSink> watchers = ConcurrentHashMap.newKeySet();
    private final List<Group> groups = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    /** Reads and watches fail; every open watch breaks. */
    void outage() {
        down = true;
        breakWatches(new RegistryUnavailableException("flaky test store is down", new IOException("connection reset")));
    }

    void recover() {
        down = false;
    }

    /** The backend lost every record; nobody writes them back (see {@link #writeBack()}). */
    void wipe() {
        synchronized (lock) {
            for (Service record : List.copyOf(records.values())) {
                delete(record.name(), record.nodes().get(0).id());
            }
        }
    }

    /** Each group reports its lease lost and writes its records back. */
    void writeBack() {
        groups.forEach(Group::lost);
    }

    @Override
    public String describe() {
        return "flaky test store";
    }

    @Override
    public Duration ttlClass(Duration ttl) {
        return ttl;
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return openGroup(ttlClass, RegistryObserver.none());
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        Group group = new Group(observer);
        groups.add(group);
        return group;
    }

    @Override
    public List<Service> read(Optional<String> name) {
        check();
        synchronized (lock) {
            return records.values().stream().filter(r -> name.map(r.name()::equals).orElse(true)).toList();
        }
    }

    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        if (includingOwn) {
            delete(serviceName, nodeId);
        }
    }

    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        check();
        watchers.add(sink);
        return () -> watchers.remove(sink);
    }

    @Override
    public void close() {
        breakWatches(new RegistryUnavailableException("flaky test store closed", null));
    }

    private void breakWatches(RegistryUnavailableException cause) {
        List<WatchSink> broken = List.copyOf(watchers);
        watchers.clear();
        broken.forEach(sink -> sink.broken(cause));
    }

    private void check() {
        if (down) {
            throw new RegistryUnavailableException("flaky test store is down", new IOException("connection refused"));
        }
    }

    private static String key(String service, String nodeId) {
        return service + '\0' + nodeId;
    }

    private void write(Service record) {
        synchronized (lock) {
            Service old = records.put(key(record.name(), record.nodes().get(0).id()), record);
            if (!record.equals(old)) {
                publish(old == null ? WatchEvent.create(record) : WatchEvent.update(record));
            }
        }
    }

    private void delete(String service, String nodeId) {
        synchronized (lock) {
            Service old = records.remove(key(service, nodeId));
            if (old != null) {
                publish(WatchEvent.delete(old));
            }
        }
    }

    private void publish(WatchEvent event) {
        watchers.forEach(w -> w.event(event));
    }

    private final class Group implements LivenessGroup {
        private final RegistryObserver observer;
        private final Map<String, Service> kept = new LinkedHashMap<>();

        Group(RegistryObserver observer) {
            this.observer = observer;
        }

        synchronized void lost() {
            if (kept.isEmpty()) {
                return;
            }
            observer.livenessLost("lease", kept.size());
            for (Service record : kept.values()) {
                write(record);
                observer.writtenBack(record.name(), record.nodes().get(0).id());
            }
        }

        @Override
        public synchronized void put(List<Service> batch) {
            for (Service record : batch) {
                write(record);
                kept.put(key(record.name(), record.nodes().get(0).id()), record);
            }
        }

        @Override
        public synchronized void remove(String serviceName, String nodeId) {
            delete(serviceName, nodeId);
            kept.remove(key(serviceName, nodeId));
        }

        @Override
        public synchronized Optional<Service> forget(String serviceName, String nodeId) {
            return Optional.ofNullable(kept.remove(key(serviceName, nodeId)));
        }

        @Override
        public synchronized void remember(Service record) {
            kept.put(key(record.name(), record.nodes().get(0).id()), record);
        }

        @Override
        public synchronized boolean isEmpty() {
            return kept.isEmpty();
        }

        @Override
        public synchronized void close(boolean release) {
            if (release) {
                kept.values().forEach(r -> delete(r.name(), r.nodes().get(0).id()));
            }
            kept.clear();
            groups.remove(this);
        }
    }
}

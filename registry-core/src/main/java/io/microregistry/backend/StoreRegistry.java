package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistrationRules;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.internal.VersionGrouping;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one {@link Registry} implementation, over a backend's {@link RegistryStore}. Backends
 * return {@code new StoreRegistry(store)} from their provider; everything a registry does
 * beyond the store is here, once:
 *
 * <ul>
 *   <li><b>Validation first</b>: {@link RegistrationRules}, then the store's own
 *       {@link RegistryStore#check limits}, then the closed state; nothing is written for a
 *       call that breaks a rule.</li>
 *   <li><b>Ownership</b>: which node this client keeps, in which {@link LivenessGroup} (one per
 *       {@link RegistryStore#ttlClass TTL class}); a node registered again with another TTL moves
 *       to that class's group; a group left empty is closed (its lease revoked, its session
 *       closed).</li>
 *   <li><b>All or nothing</b>: a registration is written in the store's
 *       {@link RegistryStore#batches batches}; if one fails, the batches before it are undone
 *       (new nodes removed, replaced ones written back as they were, in their old group), and
 *       what could not be undone is named in the exception and stays kept, so a retry or a
 *       deregister settles it.</li>
 *   <li><b>Deregistration</b> removes every node it can and then throws once, naming the nodes
 *       that stay (still kept alive, so a retry can remove them).</li>
 *   <li><b>Reads</b> grouped into one {@link Service} per name and version
 *       ({@link VersionGrouping}); <b>watches</b> from the store, stopped on close; <b>push
 *       subscriptions</b> shared per prefix by one {@link SubscriptionHub}.</li>
 * </ul>
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. Registrations and
 * deregistrations are serialised per client (one lock); reads, watches and subscriptions are not.
 *
 * <p><b>Failures</b> are what the store throws ({@link RegistryException} subclasses naming the
 * backend); calls after {@link #close()} throw {@link IllegalStateException}.
 */
public final class StoreRegistry implements Registry {

    private static final Logger LOG = LoggerFactory.getLogger(StoreRegistry.class);

    private final RegistryStore store;
    /** Serialises register, deregister and shutdown; guards the two maps below. */
    private final Object registrations = new Object();
    private final Map<Duration, LivenessGroup> groups = new HashMap<>();
    /** Node key (service name, NUL, node id) to the group that keeps it and the record kept. */
    private final Map<String, Kept> owners = new HashMap<>();
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final RegistryObserver observer;
    private final SubscriptionHub hub;
    private volatile boolean closed;

    private record Kept(LivenessGroup group, Service record) {
    }

    /**
     * A registry over {@code store}; the registry closes the store when it is closed. Its metrics
     * go to the {@link RegistryObserver#discover() observer found on the class path} (none: no-op).
     */
    public StoreRegistry(RegistryStore store) {
        this(store, RegistryObserver.discover());
    }

    /**
     * A registry over {@code store} whose metrics go to {@code observer} (guarded: what it throws
     * is logged once and ignored); {@link RegistryObserver#none()} for none.
     */
    public StoreRegistry(RegistryStore store, RegistryObserver observer) {
        if (store == null) {
            throw new IllegalArgumentException("store must not be null");
        }
        if (observer == null) {
            throw new IllegalArgumentException("observer must not be null");
        }
        this.store = store;
        this.observer = RegistryObserver.guarded(observer);
        this.hub = new SubscriptionHub(this, this::openWatch, this.observer);
    }

    /** Where this client's metrics go; the {@link io.microregistry.metrics.RegistryObserver} it was given or found. */
    public RegistryObserver observer() {
        return observer;
    }

    /** The store under this registry. For a backend's own tests and fault injection. */
    public RegistryStore store() {
        return store;
    }

    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        checkRecordSizes(service);
        store.check(service);
        Duration ttlClass = store.ttlClass(options.ttl());
        List<Service> records = service.nodes().stream().map(service::withNode).toList();
        String action = "register " + service.name() + " (" + records.size() + " node"
                + (records.size() == 1 ? "" : "s") + ")";
        synchronized (registrations) {
            checkOpen();
            store.prepare(service.name());
            LivenessGroup group = groups.computeIfAbsent(ttlClass, c -> store.openGroup(c, observer));
            // What each node was before, to undo a partial write. A node moving to another TTL
            // class leaves its old group first, so that group's write-back cannot put the old
            // record back over the new one.
            Map<String, Kept> before = new HashMap<>();
            for (Service record : records) {
                Kept kept = owners.get(key(record));
                if (kept != null) {
                    before.put(key(record), kept);
                    if (kept.group() != group) {
                        kept.group().forget(record.name(), nodeId(record));
                    }
                }
            }
            List<Service> written = new ArrayList<>();
            try {
                for (List<Service> batch : store.batches(records)) {
                    group.put(batch);
                    written.addAll(batch);
                }
            } catch (RuntimeException e) {
                RuntimeException failure = undo(group, written, before, action, e);
                // A set, not a scan of written per node: a failed 10,000-node registration stays linear.
                Set<String> writtenKeys = new HashSet<>();
                written.forEach(r -> writtenKeys.add(key(r)));
                before.forEach((key, kept) -> {
                    if (kept.group() != group && !writtenKeys.contains(key)) {
                        kept.group().remember(kept.record());
                    }
                });
                closeIfEmpty(group);
                // A node that could not move back leaves its old group, which may now be empty.
                before.values().stream().map(Kept::group).filter(g -> g != group).distinct()
                        .forEach(this::closeIfEmpty);
                throw failure;
            }
            for (Service record : records) {
                Kept previous = owners.put(key(record), new Kept(group, record));
                if (previous == null) {
                    observer.registrationKept(record.name(), nodeId(record));
                } else if (previous.group() != group) {
                    closeIfEmpty(previous.group());
                }
            }
        }
    }

    /**
     * Takes back the batches a failed registration had written: a node that was not kept before
     * is removed; one that was gets its previous record back in its previous group. A node that
     * cannot be taken back stays kept with its new record and is named in the returned failure.
     */
    private RuntimeException undo(LivenessGroup group, List<Service> written, Map<String, Kept> before,
                                  String action, RuntimeException failure) {
        List<String> stay = new ArrayList<>();
        for (Service record : written) {
            Kept previous = before.get(key(record));
            try {
                if (previous == null) {
                    group.remove(record.name(), nodeId(record));
                } else {
                    if (previous.group() != group) {
                        group.forget(record.name(), nodeId(record));
                    }
                    previous.group().put(List.of(previous.record()));
                }
            } catch (RuntimeException undoFailure) {
                failure.addSuppressed(undoFailure);
                stay.add(nodeId(record));
                if (previous != null && previous.group() != group) {
                    // Forgotten above for the move back that failed: the new group keeps it after all.
                    group.remember(record);
                }
                if (owners.put(key(record), new Kept(group, record)) == null) {
                    observer.registrationKept(record.name(), nodeId(record));
                }
            }
        }
        if (written.isEmpty()) {
            return failure;
        }
        LOG.warn("{} failed after {} of its nodes were written; {}", action, written.size(),
                stay.isEmpty() ? "taken back" : stay.size() + " could not be taken back");
        String note = stay.isEmpty()
                ? "; the " + written.size() + " node(s) written before it were taken back, nothing of this call"
                        + " stays registered"
                : "; these nodes written before it could not be taken back and stay registered: "
                        + String.join(", ", stay);
        return withNote(failure, note);
    }

    /**
     * Removes every node it can; if some cannot be removed, throws once, naming them, after
     * trying all: those stay registered and kept alive, so a retry can remove them.
     */
    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        synchronized (registrations) {
            checkOpen();
            Map<String, RuntimeException> failures = new LinkedHashMap<>();
            for (Node node : service.nodes()) {
                String key = key(service.name(), node.id());
                Kept kept = owners.get(key);
                try {
                    if (kept != null) {
                        // Ownership ends only once the backend confirmed the delete.
                        kept.group().remove(service.name(), node.id());
                        owners.remove(key);
                        observer.registrationReleased(service.name(), node.id());
                        closeIfEmpty(kept.group());
                    }
                    store.remove(service.name(), node.id(), kept == null);
                } catch (RegistryException e) {
                    failures.put(node.id(), e);
                }
            }
            if (failures.isEmpty()) {
                return;
            }
            RuntimeException first = failures.values().iterator().next();
            if (service.nodes().size() == 1) {
                throw first;
            }
            RuntimeException summary = withNote(first, "; " + failures.size() + " of " + service.nodes().size()
                    + " node(s) of " + service.name() + " could not be removed and stay registered: "
                    + String.join(", ", failures.keySet()) + " (the others were removed)");
            failures.values().stream().skip(1).forEach(summary::addSuppressed);
            throw summary;
        }
    }

    @Override
    public List<Service> getService(String name) {
        RegistrationRules.checkServiceName(name);
        checkOpen();
        return VersionGrouping.group(store.read(Optional.of(name)));
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        return VersionGrouping.group(store.read(Optional.empty()));
    }

    @Override
    public Watcher watch(WatchOptions options) {
        RegistrationRules.checkWatch(options);
        EventQueue queue = new EventQueue(options);
        Watcher watcher = new ForwardingWatcher(queue) {
        };
        PrefixWatch pushing = openWatch(options, queue);
        watchers.add(watcher);
        // However it stops (the user, close(), or the store's watch breaking): release both.
        queue.onStop(() -> {
            pushing.close();
            watchers.remove(watcher);
        });
        if (closed) {
            // close() ran while this watch was opening and may have missed it.
            watcher.stop();
        }
        return watcher;
    }

    /** The store's push watch, for this client's watchers and subscriptions; refused once closed. */
    private PrefixWatch openWatch(WatchOptions options, WatchSink sink) {
        checkOpen();
        return store.watch(options, sink);
    }

    /** Shares one store watch per prefix between every subscriber of this client (see {@link SubscriptionHub}). */
    @Override
    public Subscription subscribe(WatchOptions options, WatchListener listener) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        return hub.subscribe(options, listener);
    }

    /**
     * Deregisters what this client keeps (each group released: leases revoked, sessions closed,
     * checks removed, so its nodes vanish at once), stops its watchers and subscriptions and
     * closes the store. Idempotent; never throws.
     */
    @Override
    public void close() {
        shutdown(true);
    }

    /**
     * Drops this client as a crash would: stops keeping its nodes alive without removing them
     * (they expire with their TTL), stops its watchers and closes the store. A later
     * {@link #close()} does nothing. For liveness tests and fixtures.
     */
    public void abandon() {
        shutdown(false);
    }

    /** Whether {@link #close()} or {@link #abandon()} has run. */
    public boolean isClosed() {
        return closed;
    }

    private void shutdown(boolean release) {
        List<LivenessGroup> open;
        synchronized (registrations) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(groups.values());
            groups.clear();
            owners.values().forEach(kept -> observer.registrationReleased(kept.record().name(), nodeId(kept.record())));
            owners.clear();
        }
        hub.close();
        new ArrayList<>(watchers).forEach(Watcher::stop);
        for (LivenessGroup group : open) {
            try {
                group.close(release);
            } catch (RuntimeException e) {
                LOG.warn("{}: closing a liveness group failed; its nodes expire with their TTL", store.describe(), e);
            }
        }
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the store failed", store.describe(), e);
        }
        LOG.info("registry client of {} {}", store.describe(), release ? "closed" : "abandoned");
    }

    private void closeIfEmpty(LivenessGroup group) {
        if (group.isEmpty()) {
            groups.values().remove(group);
            group.close(true);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    private static String nodeId(Service record) {
        return record.nodes().get(0).id();
    }

    private static String key(Service record) {
        return key(record.name(), nodeId(record));
    }

    private static String key(String serviceName, String nodeId) {
        return serviceName + '\0' + nodeId;
    }

    /** The same kind of failure with {@code note} added to its message, the original as its cause. */
    private static RuntimeException withNote(RuntimeException failure, String note) {
        String message = failure.getMessage() + note;
        RuntimeException noted;
        if (failure instanceof RegistryAuthenticationException) {
            noted = new RegistryAuthenticationException(message, failure);
        } else if (failure instanceof RegistryException) {
            noted = new RegistryUnavailableException(message, failure);
        } else if (failure instanceof IllegalStateException) {
            noted = new IllegalStateException(message, failure);
        } else {
            return failure;
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            noted.addSuppressed(suppressed);
        }
        return noted;
    }

    @Override
    public String toString() {
        return "StoreRegistry[" + store.describe() + "]";
    }

    /** Pull-style watchers open on this client; for tests. */
    int openWatchers() {
        return watchers.size();
    }

    /**
     * The one rule of {@link RegistrationRules} that needs the codec: each node's record, as
     * stored, is at most {@link RegistrationRules#MAX_RECORD_BYTES} bytes of JSON.
     */
    static void checkRecordSizes(Service service) {
        for (Node node : service.nodes()) {
            int size = ServiceJson.encode(service.withNode(node)).length;
            if (size > RegistrationRules.MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("record of node " + node.id() + " must be at most "
                        + RegistrationRules.MAX_RECORD_BYTES + " bytes of JSON, was " + size);
            }
        }
    }
}

package io.microregistry.backend;

import io.microregistry.Backoff;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import io.microregistry.internal.VersionGrouping;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * One prefix of a {@link SubscriptionHub}: its backend watcher, the view it keeps (node to
 * record) and its subscribers. One pump thread reads the watcher, applies each event to the view
 * and hands it to every member under the view's lock, so a member joining gets the view and then
 * exactly the changes after it.
 *
 * <p>Thread-safe.
 */
final class Feed {

    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);
    /** How often, at least, the pump asks the watcher for its status. */
    static final Duration STATUS_POLL = Duration.ofMillis(200);

    private final Registry registry;
    private final WatchOptions options;
    private final RegistryObserver observer;
    private final Consumer<Feed> onEmpty;
    /** Node key (service name, NUL, node id) to that node's record; guarded by {@code this}. */
    private final Map<String, Service> view = new HashMap<>();
    private final Set<Member> members = new CopyOnWriteArraySet<>();
    private volatile Watcher watcher;
    private volatile Thread pump;
    private volatile boolean closed;
    private volatile WatchStatus status = WatchStatus.current();

    private Feed(Registry registry, WatchOptions options, RegistryObserver observer, Consumer<Feed> onEmpty) {
        this.registry = registry;
        this.options = options;
        this.observer = observer;
        this.onEmpty = onEmpty;
    }

    /** Opens the backend watch, reads the prefix, starts the pump. Blocks; throws what the backend throws. */
    static Feed open(Registry registry, WatchOptions options, RegistryObserver observer, DaemonThreads threads,
                     Consumer<Feed> onEmpty) {
        Feed feed = new Feed(registry, options, observer, onEmpty);
        Watcher opened = registry.watch(options);
        try {
            feed.replace(feed.read());
        } catch (RuntimeException e) {
            opened.stop();
            throw e;
        }
        feed.watcher = opened;
        Thread thread = threads.newThread(feed::run);
        feed.pump = thread;
        thread.start();
        return feed;
    }

    Optional<String> prefix() {
        return options.service();
    }

    private String describe() {
        return options.service().map(name -> "service '" + name + "'").orElse("all services");
    }

    synchronized void join(Member member) {
        members.add(member);
        member.start(VersionGrouping.group(view.values()), status);
    }

    void leave(Member member) {
        boolean empty;
        synchronized (this) {
            members.remove(member);
            empty = members.isEmpty();
        }
        if (empty) {
            onEmpty.accept(this);
            close();
        }
    }

    void close() {
        closed = true;
        Watcher current = watcher;
        if (current != null) {
            current.stop();
        }
        members.forEach(Member::closedByOwner);
        members.clear();
    }

    private List<Service> read() {
        return options.service().isPresent() ? registry.getService(options.service().get()) : registry.listServices();
    }

    private static String key(Service record) {
        return record.name() + '\0' + record.nodes().get(0).id();
    }

    private static Map<String, Service> records(List<Service> versions) {
        Map<String, Service> records = new HashMap<>();
        for (Service version : versions) {
            for (Node node : version.nodes()) {
                Service record = version.withNode(node);
                records.put(key(record), record);
            }
        }
        return records;
    }

    private synchronized void replace(List<Service> read) {
        view.clear();
        view.putAll(records(read));
    }

    /**
     * Applies one backend event to the view and passes it on, unless it changes nothing (the
     * events between opening the watch and the first read are replayed on top of the read).
     * The type is normalised to the view: a node this view did not have is a CREATE.
     */
    private synchronized void apply(WatchEvent event) {
        if (!options.matches(event.service().name())) {
            return;
        }
        String key = key(event.service());
        WatchEvent passed;
        if (event.type() == WatchEvent.Type.DELETE) {
            Service old = view.remove(key);
            if (old == null) {
                return;
            }
            passed = event;
        } else {
            Service old = view.put(key, event.service());
            if (event.service().equals(old)) {
                return;
            }
            passed = old == null ? WatchEvent.create(event.service()) : WatchEvent.update(event.service());
        }
        for (Member member : members) {
            member.offer(passed);
        }
    }

    private synchronized void status(WatchStatus next) {
        WatchStatus before = status;
        if (before.state() == next.state()) {
            return;
        }
        status = next;
        observer.watchStatusChanged(options.service(), next.state());
        if (next.isCurrent()) {
            LOG.info("watch of {} is current again after {} ms", describe(),
                    Duration.between(before.since(), next.since()).toMillis());
        } else {
            LOG.warn("watch of {} is {}: {}", describe(), next.state(),
                    next.cause().map(Throwable::toString).orElse("no cause given"));
        }
        for (Member member : members) {
            member.offer(next);
        }
    }

    private void run() {
        Watcher current = watcher;
        while (!closed) {
            try {
                Optional<WatchEvent> event = current.next(STATUS_POLL);
                event.ifPresent(this::apply);
                status(current.status());
            } catch (InterruptedException e) {
                if (!closed) {
                    status(WatchStatus.of(WatchStatus.State.STALE, new RegistryUnavailableException(
                            "watch of " + describe() + " stopped: its thread was interrupted", e)));
                }
                current.stop();
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                current.stop();
                status(WatchStatus.of(WatchStatus.State.RESYNCING, failure(
                        e instanceof WatcherStoppedException ? "watch broke" : "watch failed", e)));
                current = reopen();
                if (current == null) {
                    return;
                }
            }
        }
    }

    /** Re-opens the watch and re-reads until both work, delivering the difference; null once closed. */
    private Watcher reopen() {
        for (int attempt = 0; !closed; attempt++) {
            try {
                Thread.sleep(Backoff.DEFAULT.delay(attempt).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            Watcher opened = null;
            try {
                opened = registry.watch(options);
                watcher = opened;
                if (closed) {
                    opened.stop();
                    return null;
                }
                Map<String, Service> now = records(read());
                synchronized (this) {
                    for (WatchEvent event : SnapshotDiff.diff(new HashMap<>(view), now)) {
                        apply(event);
                    }
                }
                observer.watchResync(options.service(), true);
                status(WatchStatus.current());
                return opened;
            } catch (IllegalStateException registryClosed) {
                if (!closed) {
                    status(WatchStatus.of(WatchStatus.State.STALE, failure("the registry was closed", registryClosed)));
                }
                return null;
            } catch (RuntimeException e) {
                if (opened != null) {
                    opened.stop();
                }
                if (closed) {
                    return null;
                }
                observer.watchResync(options.service(), false);
                status(WatchStatus.of(WatchStatus.State.STALE, failure("re-open failed", e)));
            }
        }
        return null;
    }

    private RegistryException failure(String what, RuntimeException cause) {
        return cause instanceof RegistryException registryFailure ? registryFailure
                : new RegistryUnavailableException(what + " for " + describe() + ": " + cause.getMessage(), cause);
    }

    /** For tests and diagnostics: the pump thread, if started. */
    Thread pump() {
        return pump;
    }

    /** The records this feed holds; for the hub's members' snapshots. */
    synchronized List<Service> snapshot() {
        return new ArrayList<>(VersionGrouping.group(view.values()));
    }
}
